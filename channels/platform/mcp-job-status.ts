// What McpChannel subscribers hear about the work they queued: when a worker claims an outbox job it is running,
// when the worker completes it, completed or failed. Tool calls → `tool_execution/status_changed` to the caller;
// workflow runs and agent executions → `workflow/status_changed` / `agent/status_changed` to the account, after
// their rows are moved to the same status (the worker reports back only through the outbox).

import type { JobOutbox } from '../../src/db/prisma';
import { isUuid } from '../application-channel';
import type { AppServices } from '../support/services';
import { publishAgentStatusChanged, publishToolExecutionStatusChanged, publishWorkflowStatusChanged } from './mcp-events';

/** Job class of an MCP tool call (`tools/call`, `call_tool`); args `[{execution_id, tool_id, tool_name, user_id, …}]`. */
export const MCP_TOOL_JOB = 'Mcp::ToolExecutionJob';
/** Job class of a workflow run (the AI channels' and McpChannel's); args `[run_id, options]`. */
export const WORKFLOW_RUN_JOB = 'AiWorkflowExecutionJob';
/** Job class of an agent execution; args `[ai_agent_executions.id]`. */
export const AGENT_EXECUTION_JOB = 'AiAgentExecutionJob';

type Phase = 'running' | 'completed' | 'failed';
type Json = Record<string, unknown>;
const TERMINAL = ['completed', 'failed', 'cancelled'];

/** The phase an outbox status stands for: dispatched → running, done → completed, failed → failed. */
function phaseOf(status: string): Phase | null {
  return status === 'dispatched' ? 'running' : status === 'done' ? 'completed' : status === 'failed' ? 'failed' : null;
}

const firstArg = (job: JobOutbox): unknown => (Array.isArray(job.args) ? job.args[0] : undefined);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const since = (from: Date | null, to: Date | null): number | undefined => (from && to ? Math.max(0, to.getTime() - from.getTime()) : undefined);

/** Announce a claimed (dispatched) or finished (done | failed) job to McpChannel subscribers; other jobs are ignored. */
export async function publishMcpJobStatus(services: AppServices, job: JobOutbox): Promise<void> {
  const phase = phaseOf(job.status);
  if (!phase || !job.accountId) return;
  if (job.jobClass === MCP_TOOL_JOB) return toolStatus(services, job, phase);
  if (job.jobClass === WORKFLOW_RUN_JOB) return workflowStatus(services, job, job.accountId, phase);
  if (job.jobClass === AGENT_EXECUTION_JOB) return agentStatus(services, job, job.accountId, phase);
}

async function toolStatus(services: AppServices, job: JobOutbox, phase: Phase): Promise<void> {
  const a = (firstArg(job) ?? {}) as Json;
  const userId = text(a.user_id);
  const executionId = text(a.execution_id);
  if (!userId || !executionId) return;
  await publishToolExecutionStatusChanged(services.broadcaster, { user_id: userId }, {
    execution_id: executionId, tool_id: text(a.tool_id) ?? '', tool_name: text(a.tool_name) ?? '', status: phase, job_id: job.id,
    ...(phase === 'completed' ? { result: job.result ?? null } : {}),
    ...(phase === 'failed' ? { error: job.error ?? 'failed' } : {}),
    ...(phase === 'running' ? {} : { duration_ms: since(job.dispatchedAt, job.completedAt) }),
  });
}

/** Column values for moving a run or execution to `phase` (started_at on claim; completion data on finish). */
function transition(job: JobOutbox, phase: Phase, outputKey: 'outputVariables' | 'outputData'): Json {
  if (phase === 'running') return { status: 'running', startedAt: job.dispatchedAt ?? new Date() };
  const done = job.completedAt ?? new Date();
  const output = phase === 'completed' && job.result && typeof job.result === 'object' && !Array.isArray(job.result) ? { [outputKey]: job.result } : {};
  const error = phase === 'failed' ? { errorDetails: { message: job.error ?? 'failed' } } : {};
  return { status: phase, completedAt: done, durationMs: since(job.dispatchedAt, done) ?? null, ...output, ...error };
}

/** Statuses a row may leave for `phase`: only forward (a claim never reopens a finished run). */
const movable = (phase: Phase, pending: string[]) => ({ in: phase === 'running' ? pending : [...pending, 'running', 'paused'] });

async function workflowStatus(services: AppServices, job: JobOutbox, accountId: string, phase: Phase): Promise<void> {
  const runId = text(firstArg(job));
  if (!runId) return;
  const where = { runId, accountId };
  await services.db.aiWorkflowRun.updateMany({ where: { ...where, status: movable(phase, ['initializing', 'pending']) }, data: transition(job, phase, 'outputVariables') as never });
  const run = await services.db.aiWorkflowRun.findFirst({ where });
  if (!run || (phase === 'running' && TERMINAL.includes(run.status))) return;
  await publishWorkflowStatusChanged(services.broadcaster, { account_id: accountId }, { workflow_id: run.aiWorkflowId, run_id: run.runId, workflow_run_id: run.id, status: run.status });
}

async function agentStatus(services: AppServices, job: JobOutbox, accountId: string, phase: Phase): Promise<void> {
  const id = firstArg(job);
  if (!isUuid(id)) return;
  const where = { id: id.toLowerCase(), accountId };
  await services.db.aiAgentExecution.updateMany({ where: { ...where, status: movable(phase, ['pending']) }, data: transition(job, phase, 'outputData') as never });
  const execution = await services.db.aiAgentExecution.findFirst({ where });
  if (!execution || (phase === 'running' && TERMINAL.includes(execution.status))) return;
  await publishAgentStatusChanged(services.broadcaster, { account_id: accountId }, { agent_id: execution.aiAgentId, execution_id: execution.executionId, id: execution.id, status: execution.status });
}
