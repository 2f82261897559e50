// TradingChannel through the harness: authorization, the stream, the subscribe frame and every publisher.

import * as trading from '../../../channels/extension/trading-events';
import { broadcaster } from '../../../src/channel/index';
import { extensionChannels } from '../../../channels/extension/index';
import { channelSuite, expectSubscribed, published, TIMESTAMP } from '../../support/channel-suite';
import { openExtensionDb, userIdentity, workerIdentity } from './fixtures';

const world = channelSuite(openExtensionDb, extensionChannels);

const params = (accountId: unknown) => ({ channel: 'TradingChannel', account_id: accountId });

describe('TradingChannel', () => {
  describe('subscribe', () => {
    it('accepts the own account, streams trading_account_<account> and transmits the subscribed frame', async () => {
      await expectSubscribed(await world.connect(userIdentity(world.own)), params(world.own.accountId), [`trading_account_${world.own.accountId}`], [{ type: 'subscribed', message: 'Connected to trading updates', timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it.each([
      ['a foreign account', () => params(world.foreign.accountId)],
      ['a malformed id', () => params('../etc')],
      ['missing params', () => ({ channel: 'TradingChannel' })],
      ['an empty id', () => params('')],
    ])('rejects %s', async (_label, p) => {
      await world.refuses(userIdentity(world.own, ['system.admin']), p());
    });

    it('rejects a worker identity, even of the same account', async () => {
      await world.refuses(workerIdentity(world.own), params(world.own.accountId));
    });

    it('needs no permission (the original checks only the account)', async () => {
      await world.subscribed(userIdentity(world.own, []), params(world.own.accountId));
    });
  });

  describe('events (derived publishers)', () => {
    const b = () => world.services.broadcaster;
    const acct = () => ({ account_id: world.own.accountId });
    const strategy: trading.StrategySummary = {
      id: 's1', name: 'Momentum', strategy_type: 'momentum', pair: 'BTC/USD', status: 'active', lifecycle_phase: 'live', portfolio_id: 'p1', venue_id: 'v1',
      current_pnl_usd: '12.5', current_pnl_pct: '1.25', last_tick_at: null,
    };
    const signal: trading.SignalSummary = { id: 'g1', strategy_id: 's1', pair: 'BTC/USD', signal_type: 'buy', direction: 'long', confidence: '0.8', strength: null, price: '65000.0', status: 'generated', reasoning: null, created_at: '2026-01-01T00:00:00Z' };
    const cases: Array<[string, () => Promise<void>, Record<string, unknown>]> = [
      ['anything_custom', () => broadcaster(trading.TradingOtherEvent)(b(), acct(), { type: 'anything_custom', ...{ x: 1 } }), { x: 1 }],
      ['strategy_status_changed', () => broadcaster(trading.StrategyStatusChanged)(b(), acct(), { strategy, previous_status: 'paused' }), { strategy, previous_status: 'paused' }],
      ['tick_outcome', () => trading.publishTickOutcome(b(), acct(), { strategy_id: 's1', strategy_name: 'Momentum', signals_generated: 2, orders_submitted: 1 }), { strategy_id: 's1', strategy_name: 'Momentum', signals_generated: 2, orders_submitted: 1 }],
      ['signal_generated', () => trading.publishSignalGenerated(b(), acct(), { signal }), { signal }],
      ['order_updated', () => broadcaster(trading.OrderUpdated)(b(), acct(), { order: { id: 'o1', strategy_id: 's1', pair: 'BTC/USD', side: 'buy', status: 'filled', filled_qty: '0.1' } }), { order: { id: 'o1', strategy_id: 's1', pair: 'BTC/USD', side: 'buy', status: 'filled', filled_qty: '0.1' } }],
      ['position_updated', () => broadcaster(trading.PositionUpdated)(b(), acct(), { position: { id: 'pos1', strategy_id: 's1', pair: 'BTC/USD', status: 'open' } }), { position: { id: 'pos1', strategy_id: 's1', pair: 'BTC/USD', status: 'open' } }],
      ['risk_alert', () => broadcaster(trading.RiskAlertRaised)(b(), acct(), { alert: { alert_type: 'stop_loss', severity: 'critical', message: 'Stop loss hit', strategy_id: 's1' } }), { alert: { alert_type: 'stop_loss', severity: 'critical', message: 'Stop loss hit', strategy_id: 's1' } }],
    ];

    it.each(cases)('%s reaches a subscriber of the account as {type, timestamp, …payload}', async (type, publish, payload) => {
      const p = params(world.own.accountId);
      const got = await published(await world.subscribed(userIdentity(world.own), p), p, type, publish);
      expect(got).toEqual([{ type, timestamp: expect.stringMatching(TIMESTAMP), ...payload }]);
    });
  });
});
