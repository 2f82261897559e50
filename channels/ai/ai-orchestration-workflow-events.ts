// Workflow-side publishers of AiOrchestrationChannel (docs/channels.md): workflow events (generic rule), workflow-run,
// node and streaming events (run + workflow + account streams) and batch events (batch + account streams).

import type { AiWorkflowRun, BatchWorkflowRun } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { broadcastAll, orchestrationMessage, orchestrationStream, publishOrchestrationEvent } from './ai-orchestration-envelope';
import { serializeBatch, serializeWorkflowRun } from './ai-orchestration-payloads';

/** What run publishers need of a run. */
export type RunRef = Pick<AiWorkflowRun, 'id' | 'runId' | 'aiWorkflowId' | 'accountId'>;

/** A node execution as producers report it (there is no node-execution table in this schema). */
export interface NodeExecutionInput {
  id: string;
  execution_id: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  execution_time_ms: number | null;
  cost: string | number | null;
  retry_count: number;
  node: { node_id: string; node_type: string; name: string };
  input_data: unknown;
  output_data: unknown;
  error_details: unknown;
}

/** Streaming execution transitions without extra payload. */
export type StreamingTransition = 'paused' | 'resumed' | 'completed' | 'cancelled';
/** Batch transitions whose payload is the batch itself. */
export type BatchTransition = 'started' | 'progress' | 'completed' | 'paused' | 'resumed' | 'cancelled';

/** A workflow event (`workflow.created`, `workflow.updated`, …) by the generic rule. */
export function publishWorkflowEvent(b: Broadcaster, event: string, workflow: { id: string; accountId: string }, payload: Record<string, unknown>): Promise<void> {
  return publishOrchestrationEvent(b, { event, resourceType: 'workflow', resourceId: workflow.id, payload, accountId: workflow.accountId });
}

/** A workflow-run event to `workflow_run:<run_id>`, `workflow:<workflow id>` and `account:<account>`. */
export async function publishWorkflowRunEvent(b: Broadcaster, event: string, run: RunRef, payload: Record<string, unknown>): Promise<void> {
  const streams = [orchestrationStream('workflow_run', run.runId), orchestrationStream('workflow', run.aiWorkflowId), orchestrationStream('account', run.accountId)];
  await broadcastAll(b, streams, orchestrationMessage(event, 'workflow_run', run.runId, payload));
}

/** `workflow.run.status.changed` with the run's current data. */
export function publishWorkflowRunStatusChanged(b: Broadcaster, run: AiWorkflowRun): Promise<void> {
  return publishWorkflowRunEvent(b, 'workflow.run.status.changed', run, { workflow_run: serializeWorkflowRun(run) });
}

/** `workflow.execution.started` (the run's after-create broadcast) with the new run. */
export function publishWorkflowExecutionStarted(b: Broadcaster, run: AiWorkflowRun): Promise<void> {
  const workflowRun = { id: run.id, run_id: run.runId, workflow_id: run.aiWorkflowId, trigger_type: run.triggerType, status: run.status, started_at: run.startedAt?.toISOString() ?? null, total_nodes: run.totalNodes };
  return publishWorkflowRunEvent(b, 'workflow.execution.started', run, { workflow_run: workflowRun, event_type: 'execution_started' });
}

/** `node.execution.*` (default `node.execution.updated`) `{workflow_run_id, run_id, node_execution}`. */
export function publishNodeExecution(b: Broadcaster, run: RunRef, nodeExecution: NodeExecutionInput, event = 'node.execution.updated'): Promise<void> {
  return publishWorkflowRunEvent(b, event, run, { workflow_run_id: run.id, run_id: run.runId, node_execution: nodeExecution });
}

/** `node.duration.updated` with the elapsed time and its display form. */
export function publishNodeDuration(b: Broadcaster, run: RunRef, node: { execution_id: string; status: string }, elapsedMs: number): Promise<void> {
  const nodeExecution = { execution_id: node.execution_id, execution_time_ms: elapsedMs, elapsed_ms: elapsedMs, elapsed_display: formatElapsed(elapsedMs), status: node.status };
  return publishWorkflowRunEvent(b, 'node.duration.updated', run, { workflow_run_id: run.id, run_id: run.runId, node_execution: nodeExecution });
}

/** "12.3s" under a minute, otherwise "2m 5s". */
export function formatElapsed(elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
}

/** `streaming.execution.started` `{run_id, workflow_id, workflow_name}`. */
export function publishStreamingStarted(b: Broadcaster, run: RunRef, workflowName: string | null): Promise<void> {
  return publishWorkflowRunEvent(b, 'streaming.execution.started', run, { run_id: run.runId, workflow_id: run.aiWorkflowId, workflow_name: workflowName ?? 'Unknown Workflow' });
}

/** `streaming.message.received` `{run_id, message}`. */
export function publishStreamingMessage(b: Broadcaster, run: RunRef, message: unknown): Promise<void> {
  return publishWorkflowRunEvent(b, 'streaming.message.received', run, { run_id: run.runId, message });
}

/** `streaming.node.changed` `{run_id, current_node:{node_id, node_name, node_type}}`. */
export function publishStreamingNodeChanged(b: Broadcaster, run: RunRef, node: { node_id: string; name: string; node_type: string }): Promise<void> {
  return publishWorkflowRunEvent(b, 'streaming.node.changed', run, { run_id: run.runId, current_node: { node_id: node.node_id, node_name: node.name, node_type: node.node_type } });
}

/** `streaming.execution.{paused,resumed,completed,cancelled}` `{run_id}`. */
export function publishStreamingTransition(b: Broadcaster, run: RunRef, transition: StreamingTransition): Promise<void> {
  return publishWorkflowRunEvent(b, `streaming.execution.${transition}`, run, { run_id: run.runId });
}

/** `streaming.execution.failed` `{run_id, error}`. */
export function publishStreamingFailed(b: Broadcaster, run: RunRef, error: string): Promise<void> {
  return publishWorkflowRunEvent(b, 'streaming.execution.failed', run, { run_id: run.runId, error });
}

async function publishBatch(b: Broadcaster, event: string, batch: BatchWorkflowRun, payload: Record<string, unknown>): Promise<void> {
  const streams = [orchestrationStream('batch_execution', batch.batchId), orchestrationStream('account', batch.accountId)];
  await broadcastAll(b, streams, orchestrationMessage(event, 'batch_execution', batch.batchId, payload));
}

/** `batch.execution.{started,progress,completed,paused,resumed,cancelled}` with the batch payload. */
export function publishBatchEvent(b: Broadcaster, batch: BatchWorkflowRun, transition: BatchTransition): Promise<void> {
  return publishBatch(b, `batch.execution.${transition}`, batch, serializeBatch(batch));
}

/** `batch.execution.failed` with the batch payload plus `error` and `message`. */
export function publishBatchFailed(b: Broadcaster, batch: BatchWorkflowRun, error: string): Promise<void> {
  return publishBatch(b, 'batch.execution.failed', batch, { ...serializeBatch(batch), error, message: error });
}

/** `batch.workflow.completed` `{batch_execution, workflow_id, workflow_status}`. */
export function publishBatchWorkflowCompleted(b: Broadcaster, batch: BatchWorkflowRun, result: { workflow_id: string } & Record<string, unknown>): Promise<void> {
  return publishBatch(b, 'batch.workflow.completed', batch, { batch_execution: serializeBatch(batch), workflow_id: result.workflow_id, workflow_status: result });
}
