// Resource serializers of AiOrchestrationChannel (docs/channels.md): workflow run data, Ralph loop progress, worktree session
// and worktree summaries, batch executions and circuit breakers, built from the columns the schema holds; their
// schemas are the payload shapes of the catalogued events (ai-orchestration-workflow-events.ts, …-resource-events.ts).

import { z } from 'zod';
import { iso } from '../application-channel';
import type { AiCircuitBreaker, AiRalphLoop, AiWorkflowRun, AiWorktree, AiWorktreeSession, BatchWorkflowRun, CircuitBreaker } from '../../src/db/prisma';
import { decimalString, jsonArray, jsonObject, percentage } from './ai-values';

/** Raw Rails Time values JSON-encode with milliseconds. */
function railsTime(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

const Time = z.string().nullable();
const Json = z.record(z.string(), z.unknown());

/** `workflow_run` of `workflow.run.status.changed` (raw Rails times, with milliseconds). */
export const WorkflowRunData = z.object({
  id: z.string(), run_id: z.string(), ai_workflow_id: z.string(), status: z.string(), trigger_type: z.string(), started_at: Time, completed_at: Time,
  created_at: Time, duration_seconds: z.number().nullable(), total_nodes: z.number(), completed_nodes: z.number(), failed_nodes: z.number(),
  cost_usd: z.string().nullable(), error_details: Json, progress_percentage: z.number(),
});
/** The progress fields every Ralph loop event carries. */
export const RalphLoopProgress = z.object({
  loop_id: z.string(), status: z.string(), progress_percentage: z.number(), current_iteration: z.number(), completed_task_count: z.number(), task_count: z.number(),
});
/** `Ai::WorktreeSession#session_summary`. */
export const WorktreeSessionData = z.object({
  id: z.string(), status: z.string(), repository_path: z.string(), base_branch: z.string(), merge_strategy: z.string(), max_parallel: z.number(),
  total_worktrees: z.number(), completed_worktrees: z.number(), failed_worktrees: z.number(), progress_percentage: z.number(),
  source_type: z.string().nullable(), source_id: z.string().nullable(), execution_mode: z.string().nullable(), max_duration_seconds: z.number().nullable(),
  conflict_matrix: z.unknown(), error_message: z.string().nullable(), started_at: Time, completed_at: Time, duration_ms: z.number().nullable(), created_at: Time,
});
/** `Ai::Worktree#worktree_summary` (the columns the schema holds). */
export const WorktreeData = z.object({
  id: z.string(), worktree_session_id: z.string(), branch_name: z.string(), worktree_path: z.string().nullable(), status: z.string(),
  error_message: z.string().nullable(), completed_at: Time, duration_ms: z.number().nullable(), created_at: Time,
});
/** The batch payload of every `batch.*` event. */
export const BatchData = z.object({
  batch_id: z.string(), status: z.string(), total_workflows: z.number(), completed_workflows: z.number(), successful_workflows: z.number(),
  failed_workflows: z.number(), running_workflows: z.number(), pending_workflows: z.number(), started_at: Time, completed_at: Time,
  estimated_completion_at: Time, workflows: z.array(z.unknown()), configuration: Json,
});
/** The `breaker` hash of an account or service breaker. */
export const BreakerData = z.object({
  id: z.string(), name: z.string(), service: z.string(), account_id: z.string().nullable(), agent_id: z.string().nullable(), state: z.string(),
  failure_count: z.number(), success_count: z.number(), failure_threshold: z.number(), last_failure_at: Time, opened_at: Time,
});

/** `workflow_run` of the run status events and of the initial `workflow_run` status frame. */
export function serializeWorkflowRun(run: AiWorkflowRun, now = new Date()): z.input<typeof WorkflowRunData> {
  const end = run.completedAt ?? now;
  return {
    id: run.id,
    run_id: run.runId,
    ai_workflow_id: run.aiWorkflowId,
    status: run.status,
    trigger_type: run.triggerType,
    started_at: railsTime(run.startedAt),
    completed_at: railsTime(run.completedAt),
    created_at: railsTime(run.createdAt),
    duration_seconds: run.startedAt ? Math.trunc((end.getTime() - run.startedAt.getTime()) / 1000) : null,
    total_nodes: run.totalNodes,
    completed_nodes: run.completedNodes,
    failed_nodes: run.failedNodes,
    cost_usd: decimalString(run.costUsd),
    error_details: jsonObject(run.errorDetails),
    progress_percentage: run.status === 'completed' && run.totalNodes > 0 ? 100 : percentage(run.completedNodes, run.totalNodes, 2),
  };
}

/** The progress fields every Ralph loop event carries. */
export function ralphLoopProgress(loop: AiRalphLoop): z.input<typeof RalphLoopProgress> {
  return {
    loop_id: loop.id,
    status: loop.status,
    progress_percentage: percentage(loop.completedTaskCount, loop.taskCount),
    current_iteration: loop.currentIteration,
    completed_task_count: loop.completedTaskCount,
    task_count: loop.taskCount,
  };
}

/** `Ai::WorktreeSession#session_summary`. */
export function worktreeSessionSummary(s: AiWorktreeSession): z.input<typeof WorktreeSessionData> {
  return {
    id: s.id,
    status: s.status,
    repository_path: s.repositoryPath,
    base_branch: s.baseBranch,
    merge_strategy: s.mergeStrategy,
    max_parallel: s.maxParallel,
    total_worktrees: s.totalWorktrees,
    completed_worktrees: s.completedWorktrees,
    failed_worktrees: s.failedWorktrees,
    progress_percentage: percentage(s.completedWorktrees, s.totalWorktrees),
    source_type: s.sourceType,
    source_id: s.sourceId,
    execution_mode: s.executionMode,
    max_duration_seconds: s.maxDurationSeconds,
    conflict_matrix: s.conflictMatrix ?? {},
    error_message: s.errorMessage,
    started_at: iso(s.startedAt),
    completed_at: iso(s.completedAt),
    duration_ms: s.durationMs,
    created_at: iso(s.createdAt),
  };
}

/** `Ai::Worktree#worktree_summary`, limited to the columns the schema holds. */
export function worktreeSummary(w: AiWorktree): z.input<typeof WorktreeData> {
  return {
    id: w.id,
    worktree_session_id: w.worktreeSessionId,
    branch_name: w.branchName,
    worktree_path: w.worktreePath,
    status: w.status,
    error_message: w.errorMessage,
    completed_at: iso(w.completedAt),
    duration_ms: w.durationMs,
    created_at: iso(w.createdAt),
  };
}

/** The batch payload of every `batch.*` event. */
export function serializeBatch(batch: BatchWorkflowRun): z.input<typeof BatchData> {
  return {
    batch_id: batch.batchId,
    status: batch.status,
    total_workflows: batch.totalWorkflows,
    completed_workflows: batch.completedWorkflows,
    successful_workflows: batch.successfulWorkflows,
    failed_workflows: batch.failedWorkflows,
    running_workflows: batch.runningWorkflows,
    pending_workflows: batch.pendingWorkflows,
    started_at: iso(batch.startedAt),
    completed_at: iso(batch.completedAt),
    estimated_completion_at: iso(batch.estimatedCompletionAt),
    workflows: jsonArray(batch.workflows),
    configuration: jsonObject(batch.configuration),
  };
}

/** The `breaker` hash of an account breaker (`ai_circuit_breakers`) or a service breaker (`circuit_breakers`). */
export function serializeBreaker(breaker: AiCircuitBreaker | CircuitBreaker): z.input<typeof BreakerData> {
  const account = 'accountId' in breaker;
  return {
    id: breaker.id,
    name: breaker.name,
    service: account ? breaker.name : breaker.service,
    account_id: account ? breaker.accountId : null,
    agent_id: account ? breaker.agentId : null,
    state: breaker.state,
    failure_count: breaker.failureCount,
    success_count: breaker.successCount,
    failure_threshold: breaker.failureThreshold,
    last_failure_at: iso(breaker.lastFailureAt),
    opened_at: iso(breaker.openedAt),
  };
}
