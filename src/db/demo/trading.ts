// Demo trading rows: a global venue with cached tickers, and per account a portfolio with a strategy, a training
// session, a recorded signal and a recorded tick result.

import { seedId, seedTime } from './ids';
import type { DemoAccount, DemoRowsPart } from './types';

/** The demo venue's id (venues are global). */
export const DEMO_VENUE_ID = seedId('trading-venue:paper');

/** The global venue and its tickers. */
export function venueRows(): DemoRowsPart {
  const tickers = [
    { pair: 'BTC/USD', lastPrice: '64250.50', bid: '64250.00', ask: '64251.00', volume24h: '1234.5678' },
    { pair: 'ETH/USD', lastPrice: '3120.25', bid: '3120.00', ask: '3120.50', volume24h: '9876.5432' },
  ];
  return {
    tradingVenue: [{ id: DEMO_VENUE_ID, name: 'Paper Exchange', slug: 'paper', venueType: 'exchange', createdAt: seedTime(0) }],
    tradingVenueTicker: tickers.map((t) => ({ id: seedId(`trading-ticker:paper:${t.pair}`), tradingVenueId: DEMO_VENUE_ID, fetchedAt: seedTime(100), createdAt: seedTime(100), ...t })),
  };
}

/** The trading rows of `a`. */
export function tradingRows(a: DemoAccount): DemoRowsPart {
  return {
    tradingPortfolio: [{ id: a.ids('portfolio'), accountId: a.id, tradingVenueId: DEMO_VENUE_ID, name: 'Paper portfolio', initialCapital: '10000.00', currentValue: '10250.75', createdAt: seedTime(100) }],
    tradingStrategy: [
      { id: a.ids('strategy'), tradingPortfolioId: a.ids('portfolio'), name: 'Momentum BTC', strategyType: 'momentum', pair: 'BTC/USD', config: { lookback: 14 }, totalCostUsd: '0.250000', currentPnlUsd: '250.75', openPositions: 1, createdAt: seedTime(101) },
    ],
    tradingTrainingSession: [
      {
        id: a.ids('training-session'),
        accountId: a.id,
        tradingPortfolioId: a.ids('portfolio'),
        tradingVenueId: DEMO_VENUE_ID,
        status: 'running',
        completedTicks: 10,
        totalTicks: 100,
        tickInterval: '1m',
        marketCount: 2,
        strategyTypes: ['momentum'],
        config: { strategy_ids: [a.ids('strategy')] },
        metrics: { pnl_usd: '12.50' },
        startedAt: seedTime(102),
        createdAt: seedTime(102),
      },
    ],
    ...resultRows(a),
  };
}

function resultRows(a: DemoAccount): DemoRowsPart {
  const common = { accountId: a.id, tradingStrategyId: a.ids('strategy'), trainingSessionId: a.ids('training-session'), tickNum: 10, createdAt: seedTime(110) };
  return {
    tradingSignal: [{ id: a.ids('trading-signal'), signalType: 'buy', pair: 'BTC/USD', price: '64250.50', confidence: '0.82', metadata: { reason: 'breakout' }, ...common }],
    tradingTickResult: [
      { id: a.ids('tick-result'), success: true, signalsGenerated: 1, ordersSubmitted: 1, openPositions: 1, currentPnlUsd: '250.75', tickCostUsd: '0.002500', marketData: { price: '64250.50' }, ...common },
    ],
  };
}
