// TradingTrainingChannel through the harness: account and session authorization, the two stream kinds, the
// subscribe frame, every event (both streams) and the worker events on `training_session_events`.

import * as training from '../../../channels/extension/trading-training-events';
import { broadcaster, type EventSpec } from '../../../src/channel/index';
import { channelSuite, expectSubscribed, TIMESTAMP } from '../../support/channel-suite';
import type { SidePublisher } from '../../../channels/support/services';
import { extensionChannels } from '../../../channels/extension/index';
import { openExtensionDb, userIdentity, workerIdentity } from './fixtures';

const world = channelSuite(openExtensionDb, extensionChannels);

/**
 * What Rails does for a lifecycle event (schema-only here): both streams (or the account's only), then the workers'
 * Redis channel (`publishTrainingWorkerEvent`).
 */
async function lifecycle<I extends { session_id: string }>(event: EventSpec<I>, s: training.TrainingSessionRecord, input: I, side: SidePublisher | null, opts: { accountOnly?: boolean; extra?: Record<string, unknown> } = {}): Promise<void> {
  const b = world.services.broadcaster;
  if (!opts.accountOnly) await broadcaster(event, training.TrainingSessionStream)(b, { session_id: s.id }, input);
  await broadcaster(event, training.TrainingAccountStream)(b, { account_id: s.accountId }, input);
  await training.publishTrainingWorkerEvent(side, s.id, event.name, opts.extra);
}

const params = (extra: Record<string, unknown>) => ({ channel: 'TradingTrainingChannel', ...extra });

describe('TradingTrainingChannel', () => {
  describe('subscribe', () => {
    it('streams trading_training_account_<account> without a session', async () => {
      const c = await world.connect(userIdentity(world.own));
      const p = params({ account_id: world.own.accountId });
      await expectSubscribed(c, p, [`trading_training_account_${world.own.accountId}`], [{ type: 'subscribed', message: 'Connected to training session updates', session_id: null, timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('streams trading_training_<session> for an own session', async () => {
      const c = await world.connect(userIdentity(world.own));
      const p = params({ account_id: world.own.accountId, session_id: world.own.sessionId });
      await expectSubscribed(c, p, [`trading_training_${world.own.sessionId}`], [expect.objectContaining({ type: 'subscribed', session_id: world.own.sessionId })]);
    });

    it.each([
      ['a foreign account', () => params({ account_id: world.foreign.accountId })],
      ['a foreign session under the own account (the original did not check)', () => params({ account_id: world.own.accountId, session_id: world.foreign.sessionId })],
      ['an unknown session', () => params({ account_id: world.own.accountId, session_id: '00000000-0000-4000-8000-000000000000' })],
      ['a malformed session id', () => params({ account_id: world.own.accountId, session_id: "1' OR 1=1" })],
      ['a malformed account id', () => params({ account_id: 'acme' })],
      ['missing account_id, even with an own session', () => params({ session_id: world.own.sessionId })],
      ['missing params', () => params({})],
    ])('rejects %s', async (_label, p) => {
      await world.refuses(userIdentity(world.own), p());
    });

    it('rejects a worker identity', async () => {
      await world.refuses(workerIdentity(world.own), params({ account_id: world.own.accountId }));
    });
  });

  describe('events (derived publishers)', () => {
    const session = (): training.TrainingSessionRecord => ({
      id: world.own.sessionId, accountId: world.own.accountId, name: 'Acme session', status: 'running', completedTicks: 1, totalTicks: 3,
      metrics: { total_signals: 2 }, timeline: [{ tick: 1 }], results: {}, errorMessage: 'venue down', completedAt: new Date('2026-02-01T10:00:00.456Z'),
    });
    const b = () => world.services.broadcaster;
    const side = () => world.services.side;
    const statusOf = () => ({ session_id: session().id, status: session().status });
    const cases: Array<[string, () => Promise<void>, () => Record<string, unknown>, boolean, Record<string, unknown> | null]> = [
      ['session_created', () => lifecycle(training.TrainingSessionCreated, session(), { session_id: session().id, name: session().name, status: session().status }, side(), { accountOnly: true }), () => ({ session_id: world.own.sessionId, name: 'Acme session', status: 'running' }), false, {}],
      ['tick_update', () => training.publishTrainingTickUpdate(b(), session()), () => ({ session_id: world.own.sessionId, completed_ticks: 1, total_ticks: 3, progress_pct: 33.3, metrics: { total_signals: 2 }, timeline: [{ tick: 1 }], status: 'running' }), true, null],
      ['completed', () => training.publishTrainingCompleted(b(), session()), () => ({ session_id: world.own.sessionId, status: 'running', results: {}, completed_at: '2026-02-01T10:00:00Z' }), true, null],
      ['failed', () => lifecycle(training.TrainingFailed, session(), { session_id: session().id, status: session().status, error_message: session().errorMessage }, side()), () => ({ session_id: world.own.sessionId, status: 'running', error_message: 'venue down' }), true, {}],
      ['cancelled', () => lifecycle(training.TrainingCancelled, session(), statusOf(), side()), () => ({ session_id: world.own.sessionId, status: 'running' }), true, {}],
      ['paused', () => lifecycle(training.TrainingPaused, session(), statusOf(), side()), () => ({ session_id: world.own.sessionId, status: 'running' }), true, {}],
      ['config_updated', () => lifecycle(training.TrainingConfigUpdated, session(), { session_id: session().id, changes: { tick_interval: 20 } }, side(), { extra: { changes: { tick_interval: 20 } } }), () => ({ session_id: world.own.sessionId, changes: { tick_interval: 20 } }), true, { changes: { tick_interval: 20 } }],
      ['emergency_halt', () => lifecycle(training.TrainingEmergencyHalt, session(), statusOf(), side()), () => ({ session_id: world.own.sessionId, status: 'running' }), true, {}],
      ['resumed', () => lifecycle(training.TrainingResumed, session(), statusOf(), side()), () => ({ session_id: world.own.sessionId, status: 'running' }), true, {}],
    ];

    it.each(cases)('%s reaches the account stream, the session stream when due, and the workers when due', async (type, publish, payload, toSession, workerExtra) => {
      const c = await world.connect(userIdentity(world.own));
      const acctP = params({ account_id: world.own.accountId });
      const sessP = params({ account_id: world.own.accountId, session_id: world.own.sessionId });
      await c.subscribe(acctP);
      await c.subscribe(sessP);
      world.sidePublished.length = 0;
      await publish();
      await c.idle();
      const expected = [{ type, ...payload(), timestamp: expect.stringMatching(TIMESTAMP) }];
      expect((c.received(acctP) as Array<Record<string, unknown>>).filter((m) => m.type === type)).toEqual(expected);
      expect((c.received(sessP) as Array<Record<string, unknown>>).filter((m) => m.type === type)).toEqual(toSession ? expected : []);
      const worker = workerExtra ? [{ channel: 'training_session_events', message: { session_id: world.own.sessionId, event: type, timestamp: expect.stringMatching(TIMESTAMP), ...workerExtra } }] : [];
      expect(world.sidePublished).toEqual(worker);
    });

    it('still broadcasts when Redis is not configured or the side publish fails', async () => {
      const failing: SidePublisher = { publish: () => Promise.reject(new Error('redis down')) };
      const c = await world.connect(userIdentity(world.own));
      const p = params({ account_id: world.own.accountId });
      await c.subscribe(p);
      await lifecycle(training.TrainingCancelled, session(), statusOf(), null, { accountOnly: true });
      await lifecycle(training.TrainingPaused, session(), statusOf(), failing, { accountOnly: true });
      await c.idle();
      expect((c.received(p) as Array<Record<string, unknown>>).map((m) => m.type)).toEqual(['subscribed', 'cancelled', 'paused']);
      expect(await training.publishTrainingWorkerEvent(failing, 'x', 'paused')).toBe(false);
    });

    it('computes progress_pct from the ticks (0 without a total)', () => {
      expect(training.progressPct({ completedTicks: 2, totalTicks: 3 })).toBe(66.7);
      expect(training.progressPct({ completedTicks: 5, totalTicks: 0 })).toBe(0);
    });
  });
});
