// AnalyticsChannel streams and events, and revenue metrics computed from subscriptions and plans. Nothing in this
// server broadcasts `analytics_update`, `alert_triggered`, `alert_resolved` or `metrics_update` (Rails does), so
// they are schema-only: a TypeScript producer derives its publisher with `broadcaster(AlertTriggered, stream)`,
// sending an account-less alert to AnalyticsGlobalStream.

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';
import type { AnalyticsAlert, Db, Plan } from '../../src/db/prisma';

/** `analytics_account_{account_id}`: one account's analytics. */
export const AnalyticsAccountStream = stream('analytics_account_{account_id}', { description: "One account's analytics." });
/** `analytics_global`: the platform-wide analytics (platform administrators only). */
export const AnalyticsGlobalStream = stream('analytics_global', { description: 'Platform-wide analytics and account-less alerts (platform administrators only).' });

/** The platform-wide analytics stream (platform administrators only). */
export const ANALYTICS_GLOBAL_STREAM = AnalyticsGlobalStream.name({});

/** `analytics_account_<account_id>`. */
export function analyticsAccountStream(accountId: string): string {
  return AnalyticsAccountStream.name({ account_id: accountId });
}

/** The `current_metrics` of `request_analytics`. */
export interface RevenueMetrics {
  mrr: number;
  arr: number;
  active_customers: number;
  churn_rate: number;
}

const CHURN_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** A plan's monthly value in cents (CustomerChannel#calculate_mrr: monthly as is, yearly / 12, others 0). */
export function monthlyCents(plan: Pick<Plan, 'priceCents' | 'billingCycle'> | null): number {
  if (!plan) return 0;
  if (plan.billingCycle === 'monthly') return plan.priceCents;
  if (plan.billingCycle === 'yearly' || plan.billingCycle === 'annual') return Math.floor(plan.priceCents / 12);
  return 0;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Revenue metrics of one account (or of the platform when `accountId` is null): MRR in major currency units from
 * the plans of `active` subscriptions, ARR = MRR × 12, accounts with an active subscription, and the share (percent)
 * of subscriptions alive 30 days ago that were canceled since.
 */
export async function computeRevenueMetrics(db: Db, accountId: string | null, now: Date = new Date()): Promise<RevenueMetrics> {
  const scope = accountId ? { accountId } : {};
  const start = new Date(now.getTime() - CHURN_WINDOW_MS);
  const [active, churned, atStart] = await Promise.all([
    db.subscription.findMany({ where: { ...scope, status: 'active' }, include: { plan: true } }),
    db.subscription.count({ where: { ...scope, canceledAt: { gte: start, lte: now } } }),
    db.subscription.count({ where: { ...scope, createdAt: { lt: start }, OR: [{ canceledAt: null }, { canceledAt: { gte: start } }] } }),
  ]);
  const mrr = round2(active.reduce((sum, s) => sum + monthlyCents(s.plan), 0) / 100);
  return {
    mrr,
    arr: round2(mrr * 12),
    active_customers: new Set(active.map((s) => s.accountId)).size,
    churn_rate: atStart > 0 ? round2((churned / atStart) * 100) : 0,
  };
}

/** The `alert` object of `alert_triggered` (decimal values as strings). */
export function alertJson(alert: AnalyticsAlert): z.input<typeof Alert> {
  return {
    id: alert.id,
    name: alert.name,
    alert_type: alert.alertType,
    metric_name: alert.metricName,
    condition: alert.condition,
    threshold_value: alert.thresholdValue.toString(),
    current_value: alert.currentValue === null ? null : alert.currentValue.toString(),
    status: alert.status,
    trigger_count: alert.triggerCount,
  };
}

const Alert = z.looseObject({
  id: z.string(), name: z.string(), alert_type: z.string(), metric_name: z.string(), condition: z.string(), threshold_value: z.string(),
  current_value: z.string().nullable(), status: z.string(), trigger_count: z.number(),
});
const Streams = [AnalyticsAccountStream, AnalyticsGlobalStream];
const Metrics = z.object({ mrr: z.number(), arr: z.number(), active_customers: z.number(), churn_rate: z.number() });

/** `analytics_update {data}`: broadcast (any data), or the reply of `request_analytics` (`{current_metrics, timestamp, account_id}`). */
export const AnalyticsUpdate = defineEvent({
  name: 'analytics_update', delivery: ['broadcast', 'reply'], replyTo: ['request_analytics'], streams: Streams,
  summary: 'Analytics data; `request_analytics` replies `{current_metrics:{mrr, arr, active_customers, churn_rate}, timestamp, account_id}`.',
  fields: {
    data: z.union([z.object({ current_metrics: Metrics, timestamp: z.string(), account_id: z.string().nullable() }), z.record(z.string(), z.unknown())]),
  },
});
/** `alert_triggered {alert, timestamp}`; an account-less alert goes to `analytics_global`. */
export const AlertTriggered = defineEvent({
  name: 'alert_triggered', delivery: ['broadcast'], streams: Streams, stamp: true, summary: 'An analytics alert fired (account-less alerts on analytics_global).',
  fields: { alert: Alert },
});
/** `alert_resolved {alert:{id, name, status}, timestamp}`. */
export const AlertResolved = defineEvent({
  name: 'alert_resolved', delivery: ['broadcast'], streams: Streams, stamp: true,
  fields: { alert: z.looseObject({ id: z.string(), name: z.string(), status: z.string() }) },
});
/** `metrics_update {metrics, timestamp}` to `analytics_account_<account_id>`. */
export const MetricsUpdate = defineEvent({
  name: 'metrics_update', delivery: ['broadcast'], streams: [AnalyticsAccountStream], stamp: true, fields: { metrics: z.record(z.string(), z.unknown()) },
});
/** On subscribe. */
export const AnalyticsConnectionEstablished = defineEvent({
  name: 'analytics_connection_established', delivery: ['transmit'], stamp: true, fields: { message: z.literal('Connected to real-time analytics') },
});
/** A refused or failed `request_analytics`. */
export const AnalyticsError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['request_analytics'],
  fields: { message: z.enum(['Unauthorized analytics request', 'Failed to fetch analytics data']) },
});

/** Every AnalyticsChannel event (its `static events`). */
export const ANALYTICS_EVENTS = [AnalyticsUpdate, AlertTriggered, AlertResolved, MetricsUpdate, AnalyticsConnectionEstablished, AnalyticsError] as const;
