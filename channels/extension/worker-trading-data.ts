// Trading reads for WorkerDataChannel: strategy evaluation contexts (strategy, portfolio, cached ticker, recent
// signals, the portfolio's pair registry) and cached venue tickers. Strategies are account-owned through their
// portfolio; venues and their tickers are global market data, as in Powernode.

import type { Db } from '../../src/db/prisma';
import { iso, isUuid } from '../application-channel';
import { decimalNumber, decimalString, jsonObject } from './extension-payloads';
import { RpcError } from './worker-rpc-channel';

/** At most this many pairs per batch_fetch_tickers (the original's `.first(100)`). */
export const MAX_TICKER_PAIRS = 100;

/** Strategies of `ids` within `scope`, with their portfolio. Ids that are not UUIDs never reach the query (a uuid
 * column on PostgreSQL would fail the whole batch); callers answer them like unknown ids. */
export function scopedStrategies(db: Db, scope: { accountId?: string }, ids: readonly string[]) {
  const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
  return db.tradingStrategy.findMany({ where: { id: { in: valid }, portfolio: scope }, include: { portfolio: true } });
}

type StrategyRow = Awaited<ReturnType<typeof scopedStrategies>>[number];

function strategyPayload(s: StrategyRow): Record<string, unknown> {
  const config = jsonObject(s.config);
  return {
    id: s.id, name: s.name, type: s.strategyType, strategy_type: s.strategyType, status: s.status, pair: s.pair, config,
    account_id: s.portfolio.accountId, portfolio_id: s.tradingPortfolioId, venue_id: s.portfolio.tradingVenueId,
    training_session_id: s.trainingSessionId, tick_interval_seconds: typeof config.tick_interval_seconds === 'number' ? config.tick_interval_seconds : null,
    current_pnl_usd: decimalString(s.currentPnlUsd), total_cost_usd: decimalString(s.totalCostUsd), open_positions: s.openPositions,
    last_tick_at: iso(s.lastTickAt),
  };
}

function tickerPayload(t: { lastPrice: unknown; bid: unknown; ask: unknown; volume24h: unknown; fetchedAt: Date } | null | undefined) {
  if (!t) return null;
  const n = (v: unknown) => decimalNumber(v as never);
  return { last_price: n(t.lastPrice), bid: n(t.bid), ask: n(t.ask), volume_24h: n(t.volume24h), fetched_at: iso(t.fetchedAt) };
}

async function contextFor(db: Db, s: StrategyRow): Promise<Record<string, unknown>> {
  const venueId = s.portfolio.tradingVenueId;
  const [ticker, signals, siblings] = await Promise.all([
    venueId && s.pair ? db.tradingVenueTicker.findFirst({ where: { tradingVenueId: venueId, pair: s.pair } }) : null,
    db.tradingSignal.findMany({ where: { tradingStrategyId: s.id }, orderBy: { createdAt: 'desc' }, take: 10 }),
    db.tradingStrategy.findMany({ where: { tradingPortfolioId: s.tradingPortfolioId, pair: { not: null } }, select: { pair: true } }),
  ]);
  const pairRegistry = Object.fromEntries(siblings.map((x) => [x.pair as string, { venue_id: venueId }]));
  const p = s.portfolio;
  return {
    strategy: strategyPayload(s),
    portfolio: { id: p.id, name: p.name, mode: p.mode, status: p.status, base_currency: p.baseCurrency, initial_capital: decimalString(p.initialCapital), current_value: decimalString(p.currentValue) },
    market_data: tickerPayload(ticker),
    recent_signals: signals.map((g) => ({
      id: g.id, signal_type: g.signalType, pair: g.pair, price: decimalString(g.price), confidence: decimalString(g.confidence), tick_num: g.tickNum, created_at: iso(g.createdAt),
    })),
    pair_registry: pairRegistry,
    agent_id: null,
  };
}

/** `batch_strategy_contexts` → `{contexts:{<id>: context | {error, skipped:true}}}`; unknown or foreign ids are skipped. */
export async function strategyContexts(db: Db, scope: { accountId?: string }, ids: readonly string[]): Promise<{ contexts: Record<string, unknown> }> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const rows = await scopedStrategies(db, scope, unique);
  const contexts: Record<string, unknown> = {};
  for (const id of unique) contexts[id] = { error: 'Strategy not found', skipped: true };
  for (const row of rows) {
    contexts[row.id] = await contextFor(db, row).catch(() => ({ error: 'Context unavailable', skipped: true }));
  }
  return { contexts };
}

/** `batch_fetch_tickers {venue_id, pairs}` → `{tickers:{<pair>: {last_price, bid, ask} | null}}` from the ticker cache. */
export async function cachedTickers(db: Db, venueId: string, pairs: readonly string[]): Promise<{ tickers: Record<string, unknown> }> {
  const venue = await db.tradingVenue.findFirst({ where: { id: venueId }, select: { id: true } });
  if (!venue) throw new RpcError('Venue not found');
  const wanted = [...new Set(pairs)].slice(0, MAX_TICKER_PAIRS);
  const rows = await db.tradingVenueTicker.findMany({ where: { tradingVenueId: venue.id, pair: { in: wanted } } });
  const byPair = new Map(rows.map((r) => [r.pair, r]));
  const tickers: Record<string, unknown> = {};
  for (const pair of wanted) {
    const t = byPair.get(pair);
    tickers[pair] = t ? { last_price: decimalNumber(t.lastPrice), bid: decimalNumber(t.bid), ask: decimalNumber(t.ask) } : null;
  }
  return { tickers };
}
