// Resource serializers of AiOrchestrationChannel (docs/channels.md): workflow run data, Ralph loop progress, worktree session
// and worktree summaries, batch executions and circuit breakers, built from the columns the schema holds.

import { iso } from '../application-channel';
import type { AiCircuitBreaker, AiRalphLoop, AiWorkflowRun, AiWorktree, AiWorktreeSession, BatchWorkflowRun, CircuitBreaker } from '../../src/db/prisma';
import { decimalString, jsonArray, jsonObject, percentage } from './ai-values';

/** Raw Rails Time values JSON-encode with milliseconds. */
function railsTime(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** `workflow_run` of the run status events and of the initial `workflow_run` status frame. */
export function serializeWorkflowRun(run: AiWorkflowRun, now = new Date()): Record<string, unknown> {
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
export function ralphLoopProgress(loop: AiRalphLoop): Record<string, unknown> {
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
export function worktreeSessionSummary(s: AiWorktreeSession): Record<string, unknown> {
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
export function worktreeSummary(w: AiWorktree): Record<string, unknown> {
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
export function serializeBatch(batch: BatchWorkflowRun): Record<string, unknown> {
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
export function serializeBreaker(breaker: AiCircuitBreaker | CircuitBreaker): Record<string, unknown> {
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
