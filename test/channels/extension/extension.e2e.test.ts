// SupplyChain, Trading and TradingTraining end to end: @rails/actioncable against a server from startServer,
// events from the publishers and from `POST /_broadcast`, and the training worker events on Redis pub/sub.

import Redis from 'ioredis';
import { signToken } from '../../../src/auth/jwt';
import { railsCable, railsSubscribe } from '../../support/clients';
import { startE2EServer, type E2EServer, type RunningServer } from '../../support/e2e-server';
import { isReachable, TEST_REDIS_URL } from '../../support/services';
import { waitFor } from '../../support/wait';
import { CveAlert } from '../../../channels/extension/supply-chain-events';
import { RiskAlertRaised } from '../../../channels/extension/trading-events';
import { publishTrainingTickUpdate, publishTrainingWorkerEvent, TRAINING_SESSION_EVENTS } from '../../../channels/extension/trading-training-events';
import { broadcaster } from '../../../src/channel/index';
import { seedRows, type AccountRows } from './fixtures';

const AC = railsCable();
const REDIS = isReachable(TEST_REDIS_URL);
const BROADCAST_KEY = 'e2e-broadcast-key';

let server: E2EServer;
let running: RunningServer;
let own: AccountRows;
let foreign: AccountRows;

beforeAll(async () => {
  server = await startE2EServer('ext', { BROADCAST_KEY, ...(REDIS ? { REDIS_URL: TEST_REDIS_URL } : {}) });
  running = server.running;
  ({ own, foreign } = await seedRows(running.db));
});
afterAll(() => server.stop());

function consumerFor(rows: AccountRows) {
  const token = signToken(running.config.jwt, { type: 'access', sub: rows.userId, expiresInSeconds: 900 });
  return AC.createConsumer(`${running.url}?token=${encodeURIComponent(token)}`);
}

const sessionRow = async () => running.db.tradingTrainingSession.findUniqueOrThrow({ where: { id: own.sessionId } });
const isType = (t: string) => (m: unknown) => (m as { type?: string }).type === t;

describe('extension channels through @rails/actioncable', () => {
  it('SupplyChainChannel delivers publisher events and refuses a foreign account', async () => {
    const consumer = consumerFor(own);
    const sub = railsSubscribe(consumer, { channel: 'SupplyChainChannel', account_id: own.accountId });
    expect(await sub.state).toBe('connected');
    expect(await sub.next(isType('subscribed'))).toMatchObject({ message: 'Connected to Supply Chain updates', account_id: own.accountId });
    await broadcaster(CveAlert)(running.services.broadcaster, { account_id: own.accountId }, { cve: { id: 'CVE-2026-1' } });
    expect(await sub.next(isType('cve_alert'))).toMatchObject({ cve: { id: 'CVE-2026-1' } });
    const foreignSub = railsSubscribe(consumer, { channel: 'SupplyChainChannel', account_id: foreign.accountId });
    expect(await foreignSub.state).toBe('rejected');
    consumer.disconnect();
  });

  it('TradingChannel delivers publisher events and outside broadcasts through POST /_broadcast', async () => {
    const consumer = consumerFor(own);
    const sub = railsSubscribe(consumer, { channel: 'TradingChannel', account_id: own.accountId });
    expect(await sub.state).toBe('connected');
    await broadcaster(RiskAlertRaised)(running.services.broadcaster, { account_id: own.accountId }, { alert: { alert_type: 'drawdown', severity: 'warning', message: 'Drawdown 10%' } });
    expect(await sub.next(isType('risk_alert'))).toMatchObject({ alert: { alert_type: 'drawdown' } });
    const res = await fetch(`http://127.0.0.1:${running.port}/_broadcast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BROADCAST_KEY}` },
      body: JSON.stringify({ stream: `trading_account_${own.accountId}`, data: JSON.stringify({ type: 'position_updated', position: { id: 'p1' } }) }),
    });
    expect(res.status).toBeLessThan(300);
    expect(await sub.next(isType('position_updated'))).toMatchObject({ position: { id: 'p1' } });
    consumer.disconnect();
  });

  it('TradingTrainingChannel checks the session against the account and delivers tick updates', async () => {
    const consumer = consumerFor(own);
    const foreignSession = railsSubscribe(consumer, { channel: 'TradingTrainingChannel', account_id: own.accountId, session_id: foreign.sessionId });
    expect(await foreignSession.state).toBe('rejected');
    const sub = railsSubscribe(consumer, { channel: 'TradingTrainingChannel', account_id: own.accountId, session_id: own.sessionId });
    expect(await sub.state).toBe('connected');
    await publishTrainingTickUpdate(running.services.broadcaster, await sessionRow());
    expect(await sub.next(isType('tick_update'))).toMatchObject({ session_id: own.sessionId, total_ticks: 3 });
    consumer.disconnect();
  });

  (REDIS || process.env.CI === 'true' ? it : it.skip)('publishes the six lifecycle events (and failed) to the Redis channel training_session_events', async () => {
    const listener = new Redis(TEST_REDIS_URL);
    const got: Array<Record<string, unknown>> = [];
    listener.on('message', (_channel: string, text: string) => got.push(JSON.parse(text) as Record<string, unknown>));
    await listener.subscribe(TRAINING_SESSION_EVENTS);
    try {
      const side = running.services.side;
      expect(side).not.toBeNull();
      const s = await sessionRow();
      const expected = ['session_created', 'paused', 'resumed', 'config_updated', 'emergency_halt', 'cancelled', 'failed'];
      for (const event of expected) await publishTrainingWorkerEvent(side, s.id, event, event === 'config_updated' ? { changes: { tick_interval: 30 } } : {});
      const mine = () => got.filter((m) => m.session_id === own.sessionId);
      await waitFor(() => mine().length >= expected.length, 3000, 'training_session_events messages');
      expect(mine().map((m) => m.event)).toEqual(expected);
      expect(mine()[3]).toMatchObject({ event: 'config_updated', changes: { tick_interval: 30 } });
      for (const m of mine()) expect(Object.keys(m).sort()).toEqual(m.event === 'config_updated' ? ['changes', 'event', 'session_id', 'timestamp'] : ['event', 'session_id', 'timestamp']);
    } finally {
      listener.disconnect();
    }
  });
});
