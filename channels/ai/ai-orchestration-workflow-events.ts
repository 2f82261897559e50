// Workflow-side events of AiOrchestrationChannel (docs/channels.md), declared once in the channel catalog: workflow
// events (generic rule), workflow-run, node and streaming events (run + workflow + account streams), batch events
// (batch + account streams) and the initial `workflow_run` status frame. Rails publishes them, so they are
// schema-only — a TypeScript producer broadcasts the same message to each stream with `broadcaster(Event, Stream)` —
// except `workflow.execution.started`, which `execute_workflow` sends (`publishWorkflowExecutionStarted`).

import { z } from 'zod';
import { broadcaster, defineEvent } from '../../src/channel/index';
import { isoNow } from '../application-channel';
import type { AiWorkflowRun } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import {
  OrchestrationAccountStream, OrchestrationBatchStream, OrchestrationMonitoringStream, OrchestrationRunStream, OrchestrationWorkflowStream,
  orchestrationEvent, orchestrationFamily,
} from './ai-orchestration-envelope';
import { BatchData, WorkflowRunData } from './ai-orchestration-payloads';

/** What run events need of a run. */
export type RunRef = Pick<AiWorkflowRun, 'id' | 'runId' | 'aiWorkflowId' | 'accountId'>;

/** Where workflow events go (generic rule): the workflow, its account, and monitoring when the name has `failed`/`alert`. */
export const WORKFLOW_STREAMS = [OrchestrationWorkflowStream, OrchestrationAccountStream, OrchestrationMonitoringStream] as const;
/** Where run, node and streaming events go: `workflow_run:<run_id>`, `workflow:<workflow id>`, `account:<account>`. */
export const RUN_STREAMS = [OrchestrationRunStream, OrchestrationWorkflowStream, OrchestrationAccountStream] as const;
/** Where batch events go: `batch_execution:<batch_id>`, `account:<account>`. */
export const BATCH_STREAMS = [OrchestrationBatchStream, OrchestrationAccountStream] as const;

const Payload = z.record(z.string(), z.unknown());

/** A node execution as producers report it (there is no node-execution table in this schema). */
export const NodeExecution = z.looseObject({
  id: z.string(), execution_id: z.string(), status: z.string(), started_at: z.string().nullable(), completed_at: z.string().nullable(),
  execution_time_ms: z.number().nullable(), cost: z.union([z.string(), z.number()]).nullable(), retry_count: z.number(),
  node: z.object({ node_id: z.string(), node_type: z.string(), name: z.string() }), input_data: z.unknown(), output_data: z.unknown(), error_details: z.unknown(),
});
/** A node execution as producers report it. */
export type NodeExecutionInput = z.input<typeof NodeExecution>;
const NodePayload = z.object({ workflow_run_id: z.string(), run_id: z.string(), node_execution: NodeExecution });
const StartedRun = z.object({
  id: z.string(), run_id: z.string(), workflow_id: z.string(), trigger_type: z.string(), status: z.string(), started_at: z.string().nullable(), total_nodes: z.number(),
});
const RunOnly = z.object({ run_id: z.string() });

/** `workflow.*` (`workflow.created`, `workflow.updated`, `workflow.execution.failed`, …), resource `workflow`, generic rule. */
export const WorkflowEvent = orchestrationFamily('workflow events (workflow.*)', 'workflow', WORKFLOW_STREAMS,
  'Workflow events by the generic rule: the workflow and account streams, plus monitoring when the name contains "failed" or "alert".', Payload);

/** `workflow.run.status.changed {workflow_run}` with the run's current data. */
export const WorkflowRunStatusChanged = orchestrationEvent('workflow.run.status.changed', 'workflow_run', RUN_STREAMS, "A run's status changed (raw Rails times with milliseconds).",
  z.object({ workflow_run: WorkflowRunData }));
/** `workflow.execution.started {workflow_run, event_type:"execution_started"}`: the run's after-create broadcast. */
export const WorkflowExecutionStarted = orchestrationEvent('workflow.execution.started', 'workflow_run', RUN_STREAMS, 'A new run (sent by AiWorkflowOrchestrationChannel execute_workflow).',
  z.object({ workflow_run: StartedRun, event_type: z.literal('execution_started') }));
/** Any other run event (resource `workflow_run`, id = run_id). */
export const WorkflowRunOtherEvent = orchestrationFamily('other workflow run events', 'workflow_run', RUN_STREAMS, 'Any other event of a run.', Payload);

/** `node.execution.updated {workflow_run_id, run_id, node_execution}`. */
export const NodeExecutionUpdated = orchestrationEvent('node.execution.updated', 'workflow_run', RUN_STREAMS, 'A node execution of a run changed.', NodePayload);
/** Any other `node.execution.<x>` with the same payload. */
export const NodeExecutionEvent = orchestrationFamily('node.execution.* events', 'workflow_run', RUN_STREAMS, 'Other node.execution.<x> events of a run.', NodePayload);
/** `node.duration.updated {workflow_run_id, run_id, node_execution:{execution_id, execution_time_ms, elapsed_ms, elapsed_display, status}}`. */
export const NodeDurationUpdated = orchestrationEvent('node.duration.updated', 'workflow_run', RUN_STREAMS, 'Elapsed time of a running node (elapsed_display "12.3s" / "2m 5s").',
  z.object({
    workflow_run_id: z.string(), run_id: z.string(),
    node_execution: z.object({ execution_id: z.string(), execution_time_ms: z.number(), elapsed_ms: z.number(), elapsed_display: z.string(), status: z.string() }),
  }));

/** "12.3s" under a minute, otherwise "2m 5s" (`elapsed_display` of `node.duration.updated`). */
export function formatElapsed(elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
}

/** `streaming.execution.started {run_id, workflow_id, workflow_name}` ("Unknown Workflow" without a name). */
export const StreamingExecutionStarted = orchestrationEvent('streaming.execution.started', 'workflow_run', RUN_STREAMS, 'A streaming execution started.',
  z.object({ run_id: z.string(), workflow_id: z.string(), workflow_name: z.string() }));
/** `streaming.message.received {run_id, message}`. */
export const StreamingMessageReceived = orchestrationEvent('streaming.message.received', 'workflow_run', RUN_STREAMS, 'A streamed message.',
  z.object({ run_id: z.string(), message: z.unknown() }));
/** `streaming.node.changed {run_id, current_node:{node_id, node_name, node_type}}`. */
export const StreamingNodeChanged = orchestrationEvent('streaming.node.changed', 'workflow_run', RUN_STREAMS, 'The streaming execution moved to another node.',
  z.object({ run_id: z.string(), current_node: z.object({ node_id: z.string(), node_name: z.string(), node_type: z.string() }) }));
const streamingTransition = <N extends string>(name: N, summary: string) => orchestrationEvent(name, 'workflow_run', RUN_STREAMS, summary, RunOnly);
/** `streaming.execution.paused {run_id}`. */
export const StreamingExecutionPaused = streamingTransition('streaming.execution.paused', 'The streaming execution paused.');
/** `streaming.execution.resumed {run_id}`. */
export const StreamingExecutionResumed = streamingTransition('streaming.execution.resumed', 'The streaming execution resumed.');
/** `streaming.execution.completed {run_id}`. */
export const StreamingExecutionCompleted = streamingTransition('streaming.execution.completed', 'The streaming execution completed.');
/** `streaming.execution.cancelled {run_id}`. */
export const StreamingExecutionCancelled = streamingTransition('streaming.execution.cancelled', 'The streaming execution was cancelled.');
/** `streaming.execution.failed {run_id, error}`. */
export const StreamingExecutionFailed = orchestrationEvent('streaming.execution.failed', 'workflow_run', RUN_STREAMS, 'The streaming execution failed.',
  z.object({ run_id: z.string(), error: z.string() }));

const batchEvent = <N extends string>(name: N, summary: string) => orchestrationEvent(name, 'batch_execution', BATCH_STREAMS, summary, BatchData);
/** `batch.execution.started` with the batch payload. */
export const BatchExecutionStarted = batchEvent('batch.execution.started', 'A batch started.');
/** `batch.execution.progress` with the batch payload. */
export const BatchExecutionProgress = batchEvent('batch.execution.progress', 'Progress of a batch.');
/** `batch.execution.completed` with the batch payload. */
export const BatchExecutionCompleted = batchEvent('batch.execution.completed', 'A batch completed.');
/** `batch.execution.paused` with the batch payload. */
export const BatchExecutionPaused = batchEvent('batch.execution.paused', 'A batch paused.');
/** `batch.execution.resumed` with the batch payload. */
export const BatchExecutionResumed = batchEvent('batch.execution.resumed', 'A batch resumed.');
/** `batch.execution.cancelled` with the batch payload. */
export const BatchExecutionCancelled = batchEvent('batch.execution.cancelled', 'A batch was cancelled.');
/** `batch.execution.failed` with the batch payload plus `error` and `message` (the same text). */
export const BatchExecutionFailed = orchestrationEvent('batch.execution.failed', 'batch_execution', BATCH_STREAMS, 'A batch failed (error and message hold the same text).',
  BatchData.extend({ error: z.string(), message: z.string() }));
/** `batch.workflow.completed {batch_execution, workflow_id, workflow_status}` (workflow_status: the workflow's result hash). */
export const BatchWorkflowCompleted = orchestrationEvent('batch.workflow.completed', 'batch_execution', BATCH_STREAMS, 'One workflow of a batch completed.',
  z.object({ batch_execution: BatchData, workflow_id: z.string(), workflow_status: z.looseObject({ workflow_id: z.string() }) }));

/** The initial status of a `workflow_run` subscription: `{event, type:"workflow_run", resource_id, payload:{workflow_run}, timestamp, is_initial_status:true}`. */
export const WorkflowRunInitialStatus = defineEvent({
  name: 'workflow.run.status.changed', key: 'event', delivery: ['transmit'], stamp: true, summary: 'The initial status of a workflow_run subscription (after the confirmation).',
  fields: { type: z.literal('workflow_run'), resource_id: z.string(), payload: z.object({ workflow_run: WorkflowRunData }), timestamp: z.string(), is_initial_status: z.literal(true) },
});

const startedToRun = broadcaster(WorkflowExecutionStarted, OrchestrationRunStream);
const startedToWorkflow = broadcaster(WorkflowExecutionStarted, OrchestrationWorkflowStream);
const startedToAccount = broadcaster(WorkflowExecutionStarted, OrchestrationAccountStream);

/** `workflow.execution.started` (the new run of `execute_workflow`) to the run, workflow and account streams, one timestamp. */
export async function publishWorkflowExecutionStarted(b: Broadcaster, run: AiWorkflowRun): Promise<void> {
  const workflowRun = { id: run.id, run_id: run.runId, workflow_id: run.aiWorkflowId, trigger_type: run.triggerType, status: run.status, started_at: run.startedAt?.toISOString() ?? null, total_nodes: run.totalNodes };
  const input = { resource_id: run.runId, payload: { workflow_run: workflowRun, event_type: 'execution_started' as const }, timestamp: isoNow() };
  await startedToRun(b, { run_id: run.runId }, input);
  await startedToWorkflow(b, { workflow_id: run.aiWorkflowId }, input);
  await startedToAccount(b, { account_id: run.accountId }, input);
}

/** Every workflow-side AiOrchestrationChannel event. */
export const ORCHESTRATION_WORKFLOW_EVENTS = [
  WorkflowEvent, WorkflowRunStatusChanged, WorkflowExecutionStarted, WorkflowRunOtherEvent, NodeExecutionUpdated, NodeExecutionEvent, NodeDurationUpdated,
  StreamingExecutionStarted, StreamingMessageReceived, StreamingNodeChanged, StreamingExecutionPaused, StreamingExecutionResumed, StreamingExecutionCompleted,
  StreamingExecutionCancelled, StreamingExecutionFailed,
  BatchExecutionStarted, BatchExecutionProgress, BatchExecutionCompleted, BatchExecutionPaused, BatchExecutionResumed, BatchExecutionCancelled,
  BatchExecutionFailed, BatchWorkflowCompleted, WorkflowRunInitialStatus,
] as const;
