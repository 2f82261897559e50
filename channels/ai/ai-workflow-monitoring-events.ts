// AiWorkflowMonitoringChannel events (docs/channels.md), declared once in the channel catalog: dashboard stats and
// active runs computed from the database (replies, and broadcasts to `ai_orchestration:monitoring:<account>`), and the
// alert broadcasts. The broadcasts are schema-only (the monitoring services of Rails publish them): a TypeScript
// producer uses `broadcaster(DashboardStats)` with `dashboardStats(db, accountId)`, etc.

import { z } from 'zod';
import { defineCustomEvent, defineEvent } from '../../src/channel/index';
import { iso, isoNow } from '../application-channel';
import type { AiWorkflow, AiWorkflowRun, Db } from '../../src/db/prisma';
import { OrchestrationMonitoringStream } from './ai-orchestration-envelope';
import { decimalString } from './ai-values';

/** Run statuses counted as active executions. */
export const ACTIVE_RUN_STATUSES = ['initializing', 'running', 'paused'];
const ACTIVE_LIMIT = 50;

/** The monitoring stream of an account. */
export function monitoringStream(accountId: string): string {
  return OrchestrationMonitoringStream.name({ account_id: accountId });
}

const Stats = z.object({ total_workflows: z.number(), active_executions: z.number(), completed_today: z.number(), failed_today: z.number() });
const ActiveRun = z.object({
  id: z.string(), run_id: z.string(), workflow_id: z.string(), workflow_name: z.string().nullable(), status: z.string(), started_at: z.string().nullable(),
  completed_at: z.string().nullable(), execution_time_ms: z.number().nullable(), total_cost: z.string().nullable(),
});

/** `{total_workflows, active_executions, completed_today, failed_today}` of an account (today = the UTC day). */
export async function dashboardStats(db: Db, accountId: string, now = new Date()): Promise<z.input<typeof Stats>> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const today = { gte: start, lt: new Date(start.getTime() + 86_400_000) };
  const [totalWorkflows, active, completed, failed] = await Promise.all([
    db.aiWorkflow.count({ where: { accountId } }),
    db.aiWorkflowRun.count({ where: { accountId, status: { in: ACTIVE_RUN_STATUSES } } }),
    db.aiWorkflowRun.count({ where: { accountId, status: 'completed', completedAt: today } }),
    db.aiWorkflowRun.count({ where: { accountId, status: 'failed', completedAt: today } }),
  ]);
  return { total_workflows: totalWorkflows, active_executions: active, completed_today: completed, failed_today: failed };
}

/** One run of `active_executions`. */
export function serializeActiveRun(run: AiWorkflowRun & { workflow: Pick<AiWorkflow, 'name'> | null }): z.input<typeof ActiveRun> {
  return {
    id: run.id,
    run_id: run.runId,
    workflow_id: run.aiWorkflowId,
    workflow_name: run.workflow?.name ?? null,
    status: run.status,
    started_at: iso(run.startedAt),
    completed_at: iso(run.completedAt),
    execution_time_ms: run.durationMs,
    total_cost: decimalString(run.costUsd),
  };
}

/** Up to 50 active runs of an account, most recently started first. */
export async function activeExecutions(db: Db, accountId: string): Promise<Array<z.input<typeof ActiveRun>>> {
  const runs = await db.aiWorkflowRun.findMany({
    where: { accountId, status: { in: ACTIVE_RUN_STATUSES } },
    orderBy: [{ startedAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
    take: ACTIVE_LIMIT,
    include: { workflow: { select: { name: true } } },
  });
  return runs.map(serializeActiveRun);
}

const streams = [OrchestrationMonitoringStream];

/** `dashboard_stats {stats, timestamp}`: the reply to `get_dashboard_stats`, and a broadcast (followed by `active_executions`). */
export const DashboardStats = defineEvent({
  name: 'dashboard_stats', delivery: ['reply', 'broadcast'], replyTo: ['get_dashboard_stats'], streams, stamp: true,
  summary: 'Counts of the account (today = the UTC day); a producer broadcasts active_executions right after it.', fields: { stats: Stats },
});
/** `active_executions {executions (≤50 active runs), timestamp}`: the reply to `get_active_executions`, and a broadcast. */
export const ActiveExecutions = defineEvent({
  name: 'active_executions', delivery: ['reply', 'broadcast'], replyTo: ['get_active_executions'], streams, stamp: true, fields: { executions: z.array(ActiveRun) },
});
/** `system_alert {alert:{…alert, timestamp}}` (the timestamp is inside the alert). */
export const SystemAlert = defineCustomEvent<{ alert: Record<string, unknown> }>({
  name: 'system_alert', delivery: ['broadcast'], streams, summary: 'The timestamp is stamped inside `alert`.',
  schema: z.object({ type: z.literal('system_alert'), alert: z.looseObject({ timestamp: z.string() }) }),
  build: ({ alert }) => ({ type: 'system_alert', alert: { ...alert, timestamp: isoNow() } }),
});
/** `cost_alert {cost_data:{…costData, timestamp}}` (the timestamp is inside cost_data). */
export const CostAlert = defineCustomEvent<{ cost_data: Record<string, unknown> }>({
  name: 'cost_alert', delivery: ['broadcast'], streams, summary: 'The timestamp is stamped inside `cost_data`.',
  schema: z.object({ type: z.literal('cost_alert'), cost_data: z.looseObject({ timestamp: z.string() }) }),
  build: ({ cost_data }) => ({ type: 'cost_alert', cost_data: { ...cost_data, timestamp: isoNow() } }),
});
/** On subscribe: the workflow (or null for the whole account). */
export const MonitoringSubscriptionConfirmed = defineEvent({
  name: 'subscription.confirmed', delivery: ['transmit'], stamp: true, fields: { channel: z.literal('workflow_monitoring'), workflow_id: z.string().nullable() },
});
/** A failed action (`Request failed`). */
export const MonitoringError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['get_dashboard_stats', 'get_active_executions'], stamp: true, fields: { error: z.string() },
});

/** Every AiWorkflowMonitoringChannel event of its own (its `static events`). */
export const WORKFLOW_MONITORING_EVENTS = [DashboardStats, ActiveExecutions, SystemAlert, CostAlert, MonitoringSubscriptionConfirmed, MonitoringError] as const;
