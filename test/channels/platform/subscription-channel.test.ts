// SubscriptionChannel through the harness: status on subscribe, with and without billing rows.

import { publishSubscriptionUpdated, currentSubscription } from '../../../channels/platform/subscription-channel';
import { createPlatformEnv, demo, flush, last, streamsOf, type PlatformEnv } from './support';

const acme = demo('acme');
const globex = demo('globex');
const params = { channel: 'SubscriptionChannel', account_id: acme.account };

let env: PlatformEnv;
beforeAll(async () => {
  env = await createPlatformEnv();
});
afterAll(async () => {
  await env.close();
});

describe('SubscriptionChannel', () => {
  it('accepts the own account, streams account_<id> and transmits subscription_status first', async () => {
    const c = await env.connectUser(acme.viewer);
    expect(await c.subscribe(params)).toBe('confirm_subscription');
    expect(streamsOf(c, params)).toEqual([`account_${acme.account}`]);
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
    const c = await env.connectUser(acme.owner);
    expect(await c.subscribe({ channel: 'SubscriptionChannel', account_id: globex.account })).toBe('reject_subscription');
    expect(await c.subscribe({ channel: 'SubscriptionChannel', account_id: 'x' })).toBe('reject_subscription');
    expect(await c.subscribe({ channel: 'SubscriptionChannel' })).toBe('reject_subscription');
    const w = await env.connectWorker(acme.worker, acme.account);
    expect(await w.subscribe(params)).toBe('reject_subscription');
  });

  it('re-transmits the status on get_status', async () => {
    const c = await env.connectUser(acme.viewer);
    await c.subscribe(params);
    await c.perform(params, 'get_status');
    expect(c.received(params)).toHaveLength(2);
    expect(last(c, params)).toMatchObject({ type: 'subscription_status', account_id: acme.account });
  });

  it('broadcasts subscription_updated to the account on refresh_subscriptions (NotificationChannel sees it too)', async () => {
    const a = await env.connectUser(acme.viewer);
    const b = await env.connectUser(acme.member);
    const notif = { channel: 'NotificationChannel', account_id: acme.account };
    await a.subscribe(params);
    await b.subscribe(notif);
    await a.perform(params, 'refresh_subscriptions');
    expect(last(a, params)).toMatchObject({ type: 'subscription_updated', subscription: { status: 'active', plan: { name: 'Pro' } } });
    expect(last(b, notif)).toMatchObject({ type: 'subscription_updated' });
  });

  it('reports a null subscription for an account without billing rows, never a crash', async () => {
    const account = await env.db.account.create({ data: { name: 'Empty' } });
    const user = await env.db.user.create({ data: { accountId: account.id, email: 'empty@x.example', name: 'E' } });
    const c = await env.connectUser(user.id);
    const p = { channel: 'SubscriptionChannel', account_id: account.id };
    expect(await c.subscribe(p)).toBe('confirm_subscription');
    expect(c.received(p)[0]).toMatchObject({ type: 'subscription_status', subscription: null, account_id: account.id });
    await c.perform(p, 'refresh_subscriptions');
    expect(last(c, p)).toEqual({ type: 'subscription_updated', subscription: null });
  });

  it('publishSubscriptionUpdated reaches the account\'s subscribers', async () => {
    const c = await env.connectUser(acme.viewer);
    await c.subscribe(params);
    await publishSubscriptionUpdated(env.broadcaster, acme.account, await currentSubscription(env.db, acme.account));
    await flush();
    expect(last(c, params)).toMatchObject({ type: 'subscription_updated', subscription: { status: 'active' } });
  });
});
