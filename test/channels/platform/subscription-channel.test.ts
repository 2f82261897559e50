// SubscriptionChannel through the harness: status on subscribe, with and without billing rows; the actions of the
// public useSubscriptionWebSocket hook (request_update, monitor) sent exactly as its WebSocketManager frames them.

import { currentSubscription, publishSubscriptionUpdated, subscriptionJson } from '../../../channels/platform/subscription-channel';
import { seedId } from '../../../src/db/seed';
import type { HarnessClient } from '../../../src/testing/index';
import { replyTo } from '../../support/channel-suite';
import { acme, globex, platformSuite } from './support';

/** The `subscription_updated` payload of the account's current subscription. */
const current = async (db: Parameters<typeof currentSubscription>[0], accountId: string) => {
  const s = await currentSubscription(db, accountId);
  return { subscription: s ? subscriptionJson(s) : null };
};

const params = { channel: 'SubscriptionChannel', account_id: acme.account };

const env = platformSuite();

describe('SubscriptionChannel', () => {
  it('accepts the own account, streams account_<id> and transmits subscription_status first', async () => {
    const c = await env.connectUser(acme.viewer);
    expect(await c.subscribe(params)).toBe('confirm_subscription');
    expect(c.streams(params)).toEqual([`account_${acme.account}`]);
    const s = await env.db.subscription.findFirstOrThrow({ where: { accountId: acme.account }, include: { plan: true } });
    expect(c.received(params)[0]).toEqual({
      type: 'subscription_status',
      subscription: {
        id: s.id, status: 'active', current_period_start: s.currentPeriodStart?.toISOString().replace('.000', ''),
        current_period_end: s.currentPeriodEnd?.toISOString().replace('.000', ''), trial_ends_at: null, canceled_at: null, ends_at: null,
        created_at: expect.stringMatching(/Z$/), updated_at: expect.stringMatching(/Z$/),
        plan: { id: s.planId, name: 'Pro', price: 4900, interval: 'monthly', features: s.plan?.features, currency: 'USD' },
      },
      account_id: acme.account,
      timestamp: expect.any(String),
    });
  });

  it('rejects a foreign account, a malformed id, missing params and a worker', async () => {
    await env.refusesUser(acme.owner, { ...params, account_id: globex.account }, { ...params, account_id: 'x' }, { channel: 'SubscriptionChannel' });
    await env.refusesWorker(params);
  });

  it('re-transmits the status on get_status', async () => {
    const c = await env.subscribedUser(acme.viewer, params);
    await c.perform(params, 'get_status');
    expect(c.received(params)).toHaveLength(2);
    expect(c.last(params)).toMatchObject({ type: 'subscription_status', account_id: acme.account });
  });

  it('broadcasts subscription_updated to the account on refresh_subscriptions (NotificationChannel sees it too)', async () => {
    const a = await env.subscribedUser(acme.viewer, params);
    const notif = { channel: 'NotificationChannel', account_id: acme.account };
    const b = await env.subscribedUser(acme.member, notif);
    expect(await replyTo(a, params, 'refresh_subscriptions')).toMatchObject({ type: 'subscription_updated', subscription: { status: 'active', plan: { name: 'Pro' } } });
    expect(b.last(notif)).toMatchObject({ type: 'subscription_updated' });
  });

  it('reports a null subscription for an account without billing rows, never a crash', async () => {
    const account = await env.db.account.create({ data: { name: 'Empty' } });
    const user = await env.db.user.create({ data: { accountId: account.id, email: 'empty@x.example', name: 'E' } });
    const c = await env.connectUser(user.id);
    const p = { channel: 'SubscriptionChannel', account_id: account.id };
    expect(await c.subscribe(p)).toBe('confirm_subscription');
    expect(c.received(p)[0]).toMatchObject({ type: 'subscription_status', subscription: null, account_id: account.id });
    expect(await replyTo(c, p, 'refresh_subscriptions')).toEqual({ type: 'subscription_updated', subscription: null });
  });

  it('publishSubscriptionUpdated reaches the account\'s subscribers', async () => {
    const c = await env.subscribedUser(acme.viewer, params);
    await publishSubscriptionUpdated(env.broadcaster, { account_id: acme.account }, await current(env.db, acme.account));
    await c.idle();
    expect(c.last(params)).toMatchObject({ type: 'subscription_updated', subscription: { status: 'active' } });
  });

  // The hook (rett/powernode-platform d9cbd4f6, extensions/enterprise/frontend/src/shared/hooks/useSubscriptionWebSocket.ts):
  //   await sendMessage('SubscriptionChannel', 'request_update', { subscription_id: subscription_id });
  //   await sendMessage('SubscriptionChannel', 'monitor', { subscription_id: subscription_id });
  // and frontend/src/shared/services/WebSocketManager.ts#sendMessage (no params passed, so the bare identifier):
  //   identifier: JSON.stringify({ channel, ...params }), data: JSON.stringify({ action, ...data })
  // It reads only `type` subscription_updated | subscription_cancelled | payment_processed | trial_ending | error:
  //   case 'error': onErrorRef.current?.(data.message || 'Subscription channel error');
  describe('useSubscriptionWebSocket actions (bare identifier)', () => {
    const BARE = JSON.stringify({ channel: 'SubscriptionChannel' });
    /** What WebSocketManager#sendMessage puts on the wire; JSON.stringify drops an undefined subscription_id. */
    const hookSends = (c: HarnessClient, action: string, data: Record<string, unknown>) =>
      c.send({ command: 'message', identifier: BARE, data: JSON.stringify({ action, ...data }) });
    const HOOK_TYPES = ['subscription_updated', 'subscription_cancelled', 'payment_processed', 'trial_ending', 'error'];
    const ACME_SUB = seedId('acme:subscription');

    const subscribed = (): Promise<HarnessClient> => env.subscribedUser(acme.viewer, params);

    it('answers request_update without an id with the current subscription as subscription_updated, to the caller only', async () => {
      const c = await subscribed();
      const other = await env.subscribedUser(acme.member, params);
      const before = other.received(params).length;
      await hookSends(c, 'request_update', { subscription_id: undefined });
      const reply = c.last(params);
      expect(reply).toEqual({
        type: 'subscription_updated',
        subscription: expect.objectContaining({ id: ACME_SUB, status: 'active', plan: expect.objectContaining({ name: 'Pro' }) }),
        account_id: acme.account,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      expect(HOOK_TYPES).toContain(reply.type);
      await Promise.all([c.idle(), other.idle()]);
      expect(other.received(params)).toHaveLength(before);
    });

    it('answers request_update and monitor with the named subscription of the account', async () => {
      const older = await env.db.subscription.create({ data: { accountId: acme.account, status: 'canceled', canceledAt: new Date('2026-01-02T03:04:05Z'), createdAt: new Date('2020-01-01T00:00:00Z') } });
      try {
        const c = await subscribed();
        await hookSends(c, 'request_update', { subscription_id: older.id });
        expect(c.last(params)).toMatchObject({ type: 'subscription_updated', subscription: { id: older.id, status: 'canceled', canceled_at: '2026-01-02T03:04:05Z', plan: null }, account_id: acme.account });
        await hookSends(c, 'monitor', { subscription_id: ACME_SUB.toUpperCase() });
        expect(c.last(params)).toMatchObject({ type: 'subscription_updated', subscription: { id: ACME_SUB, status: 'active' }, account_id: acme.account });
      } finally {
        await env.db.subscription.delete({ where: { id: older.id } });
      }
    });

    it('monitor transmits the current state, and later changes reach the subscriber on account_<id>', async () => {
      const c = await subscribed();
      await hookSends(c, 'monitor', { subscription_id: ACME_SUB });
      expect(c.last(params)).toMatchObject({ type: 'subscription_updated', subscription: { id: ACME_SUB } });
      await publishSubscriptionUpdated(env.broadcaster, { account_id: acme.account }, await current(env.db, acme.account));
      await c.idle();
      expect(c.last(params)).toEqual({ type: 'subscription_updated', subscription: expect.objectContaining({ id: ACME_SUB }) });
    });

    it.each([
      ['a foreign subscription', () => ({ subscription_id: seedId('globex:subscription') })],
      ['an unknown id', () => ({ subscription_id: '00000000-0000-4000-8000-000000000000' })],
      ['a malformed id', () => ({ subscription_id: 'sub_1; DROP TABLE' })],
      ['an over-long id', () => ({ subscription_id: 'x'.repeat(10_000) })],
      ['a non-string id', () => ({ subscription_id: { $ne: null } })],
    ])('answers %s with {type:"error", message:"Subscription not found"} for both actions', async (_label, data) => {
      const c = await subscribed();
      for (const action of ['request_update', 'monitor']) {
        await hookSends(c, action, data());
        expect(c.last(params)).toEqual({ type: 'error', message: 'Subscription not found', action });
      }
    });

    it('answers monitor without an id with the same error', async () => {
      const c = await subscribed();
      await hookSends(c, 'monitor', {});
      expect(c.last(params)).toEqual({ type: 'error', message: 'Subscription not found', action: 'monitor' });
    });

    it('checks the UUID before the database (a malformed id runs no query)', async () => {
      const c = await subscribed();
      const spy = jest.spyOn(env.db.subscription, 'findFirst');
      try {
        await hookSends(c, 'monitor', { subscription_id: 'not-a-uuid' });
        expect(spy).not.toHaveBeenCalled();
        await hookSends(c, 'monitor', { subscription_id: ACME_SUB });
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
    });

    it('reads only: a viewer without any permission is served, and nothing is written or broadcast', async () => {
      const c = await subscribed();
      const n = await env.db.subscription.count();
      const frames = c.transport.frames.length;
      await hookSends(c, 'request_update', {});
      await hookSends(c, 'monitor', { subscription_id: ACME_SUB });
      await c.idle();
      expect(await env.db.subscription.count()).toBe(n);
      expect(c.transport.frames.length).toBe(frames + 2);
    });
  });
});

