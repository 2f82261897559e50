// AnalyticsChannel: own-account analytics with analytics.view; cross-account and global only for platform admins.

import {
  AlertResolved, AlertTriggered, AnalyticsAccountStream, AnalyticsGlobalStream, AnalyticsUpdate, MetricsUpdate, alertJson, computeRevenueMetrics,
} from '../../../channels/platform/analytics-events';
import { broadcaster } from '../../../src/channel/index';
import { expectSubscribed, replyTo } from '../../support/channel-suite';
import { acme, createPlatformAdmin, globex, platformSuite } from './support';

const params = { channel: 'AnalyticsChannel', account_id: acme.account };
const global = { channel: 'AnalyticsChannel' };
const DAY = 24 * 3600 * 1000;

const env = platformSuite();
let admin: string;
beforeAll(async () => {
  admin = await createPlatformAdmin(env.db, acme.account);
});

describe('AnalyticsChannel', () => {
  describe('subscribe', () => {
    it('accepts the own account with analytics.view and streams analytics_account_<id>', async () => {
      await expectSubscribed(await env.connectUser(acme.member), params, [`analytics_account_${acme.account}`], [{ type: 'analytics_connection_established', message: 'Connected to real-time analytics', timestamp: expect.any(String) }]);
    });

    it('rejects a user without analytics.view', async () => {
      const c = await env.connectUser(acme.viewer);
      expect(await c.subscribe(params)).toBe('reject_subscription');
    });

    it('rejects a foreign account for admin.access holders and account owners who are not platform admins', async () => {
      for (const user of [acme.member, acme.owner]) await env.refusesUser(user, { ...params, account_id: globex.account }, global);
    });

    it('rejects a malformed id, an unknown account and a worker', async () => {
      await env.refusesUser(admin, { ...params, account_id: 'nope' }, { ...params, account_id: '00000000-0000-4000-8000-000000000000' }, { ...params, account_id: 5 });
      await env.refusesWorker(params);
    });

    it('gives a platform admin other accounts and the global stream', async () => {
      const c = await env.connectUser(admin);
      const other = { channel: 'AnalyticsChannel', account_id: globex.account };
      expect(await c.subscribe(other)).toBe('confirm_subscription');
      expect(c.streams(other)).toEqual([`analytics_account_${globex.account}`]);
      expect(await c.subscribe(global)).toBe('confirm_subscription');
      expect(c.streams(global)).toEqual(['analytics_global']);
    });
  });

  describe('#request_analytics', () => {
    it('computes the subscription\'s account metrics when sent without params', async () => {
      const c = await env.subscribedUser(acme.member, params);
      expect(await replyTo(c, params, 'request_analytics')).toEqual({
        type: 'analytics_update',
        data: { current_metrics: { mrr: 49, arr: 588, active_customers: 1, churn_rate: 0 }, timestamp: expect.any(String), account_id: acme.account },
      });
    });

    it('refuses another account to a non-platform-admin', async () => {
      const c = await env.subscribedUser(acme.member, params);
      expect(await replyTo(c, params, 'request_analytics', { account_id: globex.account })).toEqual({ type: 'error', message: 'Unauthorized analytics request' });
      expect(await replyTo(c, params, 'request_analytics', { account_id: 'junk' })).toEqual({ type: 'error', message: 'Unauthorized analytics request' });
    });

    it('computes platform-wide metrics for a platform admin on the global subscription', async () => {
      const c = await env.subscribedUser(admin, global);
      expect(await replyTo(c, global, 'request_analytics')).toEqual({
        type: 'analytics_update',
        data: { current_metrics: { mrr: 98, arr: 1176, active_customers: 2, churn_rate: 0 }, timestamp: expect.any(String), account_id: null },
      });
    });

    it('answers invalid data with the failure frame', async () => {
      const c = await env.subscribedUser(acme.member, params);
      expect(await replyTo(c, params, 'request_analytics', { account_id: 12 })).toEqual({ type: 'error', message: 'Failed to fetch analytics data' });
    });
  });

  it('computes churn over the last 30 days and monthly value of yearly plans', async () => {
    const account = await env.db.account.create({ data: { name: 'Churny' } });
    const yearly = await env.db.plan.create({ data: { name: 'Yearly', priceCents: 120000, billingCycle: 'yearly' } });
    const now = new Date();
    const old = new Date(now.getTime() - 60 * DAY);
    await env.db.subscription.create({ data: { accountId: account.id, planId: yearly.id, status: 'active', createdAt: old } });
    await env.db.subscription.create({ data: { accountId: account.id, planId: yearly.id, status: 'canceled', createdAt: old, canceledAt: new Date(now.getTime() - 10 * DAY) } });
    await env.db.subscription.create({ data: { accountId: account.id, planId: yearly.id, status: 'canceled', createdAt: old, canceledAt: new Date(now.getTime() - 45 * DAY) } });
    expect(await computeRevenueMetrics(env.db, account.id, now)).toEqual({ mrr: 100, arr: 1200, active_customers: 1, churn_rate: 50 });
  });

  describe('publishers', () => {
    it('deliver alert_triggered, alert_resolved, metrics_update and analytics_update to the account stream', async () => {
      const c = await env.subscribedUser(acme.member, params);
      const alert = await env.db.analyticsAlert.findFirstOrThrow({ where: { accountId: acme.account } });
      const to = { account_id: acme.account };
      await broadcaster(AlertTriggered)(env.broadcaster, to, { alert: alertJson(alert) });
      await broadcaster(AlertResolved)(env.broadcaster, to, { alert: { id: alert.id, name: alert.name, status: 'resolved' } });
      await broadcaster(MetricsUpdate)(env.broadcaster, to, { metrics: { mrr: 1 } });
      await broadcaster(AnalyticsUpdate, AnalyticsAccountStream)(env.broadcaster, to, { data: { current_metrics: {} } });
      await c.idle();
      expect(c.received(params).slice(-4)).toEqual([
        {
          type: 'alert_triggered',
          alert: {
            id: alert.id, name: 'High churn', alert_type: 'threshold', metric_name: 'churn_rate', condition: 'greater_than',
            threshold_value: alert.thresholdValue.toString(), current_value: alert.currentValue?.toString(), status: alert.status, trigger_count: alert.triggerCount,
          },
          timestamp: expect.any(String),
        },
        { type: 'alert_resolved', alert: { id: alert.id, name: 'High churn', status: 'resolved' }, timestamp: expect.any(String) },
        { type: 'metrics_update', metrics: { mrr: 1 }, timestamp: expect.any(String) },
        { type: 'analytics_update', data: { current_metrics: {} } },
      ]);
      expect(typeof (c.received(params).slice(-4)[0] as { alert: { threshold_value: unknown } }).alert.threshold_value).toBe('string');
    });

    it('deliver global analytics_update and account-less alerts to analytics_global', async () => {
      const c = await env.subscribedUser(admin, global);
      await broadcaster(AnalyticsUpdate, AnalyticsGlobalStream)(env.broadcaster, {}, { data: { a: 1 } });
      const alert = await env.db.analyticsAlert.create({ data: { name: 'Global', alertType: 'threshold', metricName: 'mrr', condition: 'less_than', thresholdValue: '10.5' } });
      await broadcaster(AlertTriggered, AnalyticsGlobalStream)(env.broadcaster, {}, { alert: alertJson(alert) });
      await c.idle();
      expect(c.received(global).slice(-2)).toEqual([
        { type: 'analytics_update', data: { a: 1 } },
        expect.objectContaining({ type: 'alert_triggered', alert: expect.objectContaining({ threshold_value: '10.5', current_value: null }) }),
      ]);
    });
  });
});
