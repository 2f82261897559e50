// AnalyticsChannel streams, revenue metrics computed from subscriptions and plans, and the publishers of
// `analytics_update`, `alert_triggered`, `alert_resolved` and `metrics_update`.

import type { AnalyticsAlert, Db, Plan } from '../../src/db/prisma';
import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** The platform-wide analytics stream (platform administrators only). */
export const ANALYTICS_GLOBAL_STREAM = 'analytics_global';

/** `analytics_account_<account_id>`. */
export function analyticsAccountStream(accountId: string): string {
  return `analytics_account_${accountId}`;
}

function streamFor(accountId: string | null): string {
  return accountId ? analyticsAccountStream(accountId) : ANALYTICS_GLOBAL_STREAM;
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

/** `analytics_update {data}` to the account's stream, or to `analytics_global` when `accountId` is null. */
export function publishAnalyticsUpdate(b: Broadcaster, accountId: string | null, data: Record<string, unknown>): Promise<void> {
  return b.broadcast(streamFor(accountId), { type: 'analytics_update', data });
}

/** `alert_triggered {alert:{…}, timestamp}`; an account-less alert goes to `analytics_global`. */
export function publishAlertTriggered(b: Broadcaster, alert: AnalyticsAlert): Promise<void> {
  const payload = {
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
  return b.broadcast(streamFor(alert.accountId), { type: 'alert_triggered', alert: payload, timestamp: isoNow() });
}

/** `alert_resolved {alert:{id, name, status}, timestamp}`. */
export function publishAlertResolved(b: Broadcaster, alert: Pick<AnalyticsAlert, 'id' | 'name' | 'status' | 'accountId'>): Promise<void> {
  return b.broadcast(streamFor(alert.accountId), { type: 'alert_resolved', alert: { id: alert.id, name: alert.name, status: alert.status }, timestamp: isoNow() });
}

/** `metrics_update {metrics, timestamp}` to `analytics_account_<account_id>`. */
export function publishMetricsUpdate(b: Broadcaster, accountId: string, metrics: Record<string, unknown>): Promise<void> {
  return b.broadcast(analyticsAccountStream(accountId), { type: 'metrics_update', metrics, timestamp: isoNow() });
}
