// Queries, payloads and publishers of AiWorkflowMonitoringChannel (docs/channels.md): dashboard stats and active runs
// computed from the database, and the dashboard/alert broadcasts to `ai_orchestration:monitoring:<account>`.

import { iso, isoNow } from '../application-channel';
import type { AiWorkflow, AiWorkflowRun, Db } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { decimalString } from './ai-values';

/** Run statuses counted as active executions. */
export const ACTIVE_RUN_STATUSES = ['initializing', 'running', 'paused'];
const ACTIVE_LIMIT = 50;

/** The monitoring stream of an account. */
export function monitoringStream(accountId: string): string {
  return `ai_orchestration:monitoring:${accountId}`;
}

/** `{total_workflows, active_executions, completed_today, failed_today}` of an account (today = the UTC day). */
export async function dashboardStats(db: Db, accountId: string, now = new Date()): Promise<Record<string, number>> {
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
export function serializeActiveRun(run: AiWorkflowRun & { workflow: Pick<AiWorkflow, 'name'> | null }): Record<string, unknown> {
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
export async function activeExecutions(db: Db, accountId: string): Promise<Record<string, unknown>[]> {
  const runs = await db.aiWorkflowRun.findMany({
    where: { accountId, status: { in: ACTIVE_RUN_STATUSES } },
    orderBy: [{ startedAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
    take: ACTIVE_LIMIT,
    include: { workflow: { select: { name: true } } },
  });
  return runs.map(serializeActiveRun);
}

/** `active_executions` `{type, executions, timestamp}` to the account's monitoring stream. */
export async function publishActiveExecutions(b: Broadcaster, db: Db, accountId: string): Promise<void> {
  await b.broadcast(monitoringStream(accountId), { type: 'active_executions', executions: await activeExecutions(db, accountId), timestamp: isoNow() });
}

/** `dashboard_stats` `{type, stats, timestamp}`, followed by `active_executions`, to the account's monitoring stream. */
export async function publishDashboardStats(b: Broadcaster, db: Db, accountId: string): Promise<void> {
  await b.broadcast(monitoringStream(accountId), { type: 'dashboard_stats', stats: await dashboardStats(db, accountId), timestamp: isoNow() });
  await publishActiveExecutions(b, db, accountId);
}

/** `system_alert` `{type, alert:{…alert, timestamp}}` to the account's monitoring stream. */
export async function publishSystemAlert(b: Broadcaster, accountId: string, alert: Record<string, unknown>): Promise<void> {
  await b.broadcast(monitoringStream(accountId), { type: 'system_alert', alert: { ...alert, timestamp: isoNow() } });
}

/** `cost_alert` `{type, cost_data:{…costData, timestamp}}` to the account's monitoring stream. */
export async function publishCostAlert(b: Broadcaster, accountId: string, costData: Record<string, unknown>): Promise<void> {
  await b.broadcast(monitoringStream(accountId), { type: 'cost_alert', cost_data: { ...costData, timestamp: isoNow() } });
}
