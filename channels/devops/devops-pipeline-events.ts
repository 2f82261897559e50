// DevopsPipelineChannel publishers: stream names, the run/step serializers of the Rails helpers and one typed
// function per event. Every event goes to `devops_pipeline_<pipeline>` and `devops_account_<account>`.

import type { Db, DevopsPipeline, DevopsPipelineRun, DevopsStepExecution } from '../../src/db/prisma';
import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `devops_pipeline_<id>`: one pipeline's updates. */
export function devopsPipelineStream(pipelineId: string): string {
  return `devops_pipeline_${pipelineId}`;
}

/** `devops_account_<id>`: every pipeline update of an account. */
export function devopsAccountStream(accountId: string): string {
  return `devops_account_${accountId}`;
}

/** The pipeline an event concerns (a DevOps pipeline, or the git pipeline of an approval gate). */
export type PipelineRef = Pick<DevopsPipeline, 'id' | 'accountId' | 'name'>;
/** A run with its pipeline and step executions, as the serializer needs it (see loadPipelineRun). */
export type PipelineRunGraph = DevopsPipelineRun & { pipeline: DevopsPipeline; steps: DevopsStepExecution[] };

/** The `pipeline_run` object of run events. */
export interface SerializedRun {
  id: string;
  run_number: number;
  status: string;
  trigger_type: string;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  progress_percentage: number;
  error_message: string | null;
  pipeline_id: string;
  pipeline_name: string;
  current_step: { id: string; name: string; status: string } | null;
}

/** The `step_execution` object of step events. */
export interface SerializedStep {
  id: string;
  step_name: string;
  step_type: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  error_message: string | null;
}

const DONE_STEP = new Set(['success', 'failure', 'skipped']);
const DONE_RUN = new Set(['success', 'failure', 'cancelled']);

/** Raw Rails Time values encode with milliseconds (`…:28.123Z`), unlike `Time.current.iso8601`. */
function railsTime(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Completed (success/failure/skipped) steps as a rounded percentage of all steps; 0 without steps. */
export function progressPercentage(steps: readonly Pick<DevopsStepExecution, 'status'>[]): number {
  if (steps.length === 0) return 0;
  return Math.round((steps.filter((s) => DONE_STEP.has(s.status)).length / steps.length) * 100);
}

function currentStep(steps: readonly DevopsStepExecution[]): DevopsStepExecution | undefined {
  const ordered = [...steps].sort((a, b) => a.position - b.position || a.createdAt.getTime() - b.createdAt.getTime());
  return ordered.find((s) => s.status === 'running') ?? ordered.find((s) => s.status === 'pending');
}

/** Rails `serialize_run`. */
export function serializeRun(run: PipelineRunGraph): SerializedRun {
  const step = currentStep(run.steps);
  return {
    id: run.id,
    run_number: run.runNumber,
    status: run.status,
    trigger_type: run.triggerType,
    started_at: railsTime(run.startedAt),
    completed_at: railsTime(run.completedAt),
    duration_seconds: run.durationSeconds,
    progress_percentage: progressPercentage(run.steps),
    error_message: run.errorMessage,
    pipeline_id: run.devopsPipelineId,
    pipeline_name: run.pipeline.name,
    current_step: step ? { id: step.id, name: step.stepName, status: step.status } : null,
  };
}

/** Rails `serialize_step`. */
export function serializeStep(step: DevopsStepExecution): SerializedStep {
  return {
    id: step.id,
    step_name: step.stepName,
    step_type: step.stepType,
    status: step.status,
    started_at: railsTime(step.startedAt),
    completed_at: railsTime(step.completedAt),
    error_message: step.errorMessage,
  };
}

/** Load a run with its pipeline and steps for the publishers (null when it does not exist). */
export function loadPipelineRun(db: Db, runId: string): Promise<PipelineRunGraph | null> {
  return db.devopsPipelineRun.findUnique({ where: { id: runId }, include: { pipeline: true, steps: true } });
}

/** Publish `data` to the pipeline's stream, then to its account's stream (Rails order). */
export async function publishPipelineMessage(b: Broadcaster, pipeline: Pick<PipelineRef, 'id' | 'accountId'>, data: Record<string, unknown>): Promise<void> {
  await b.broadcast(devopsPipelineStream(pipeline.id), data);
  await b.broadcast(devopsAccountStream(pipeline.accountId), data);
}

function publishRun(b: Broadcaster, type: 'run_created' | 'run_updated' | 'run_completed', run: PipelineRunGraph): Promise<void> {
  return publishPipelineMessage(b, run.pipeline, { type, pipeline_run: serializeRun(run), timestamp: isoNow() });
}

/** `run_created {pipeline_run, timestamp}`. */
export function publishRunCreated(b: Broadcaster, run: PipelineRunGraph): Promise<void> {
  return publishRun(b, 'run_created', run);
}

/** `run_updated {pipeline_run, timestamp}`. */
export function publishRunUpdated(b: Broadcaster, run: PipelineRunGraph): Promise<void> {
  return publishRun(b, 'run_updated', run);
}

/** `run_completed {pipeline_run, timestamp}`. */
export function publishRunCompleted(b: Broadcaster, run: PipelineRunGraph): Promise<void> {
  return publishRun(b, 'run_completed', run);
}

/** After a run update: `run_completed` for a finished run (success/failure/cancelled), else `run_updated`. */
export function publishRunChanged(b: Broadcaster, run: PipelineRunGraph): Promise<void> {
  return DONE_RUN.has(run.status) ? publishRunCompleted(b, run) : publishRunUpdated(b, run);
}

/** `step_updated {pipeline_run_id, step_execution, progress_percentage, timestamp}`. */
export function publishStepUpdated(b: Broadcaster, run: PipelineRunGraph, step: DevopsStepExecution): Promise<void> {
  const data = { type: 'step_updated', pipeline_run_id: run.id, step_execution: serializeStep(step), progress_percentage: progressPercentage(run.steps), timestamp: isoNow() };
  return publishPipelineMessage(b, run.pipeline, data);
}

/** `step_update {event, pipeline_run_id, step_execution, progress_percentage, timestamp, …extra}` (e.g. approval_required). */
export function publishStepUpdate(b: Broadcaster, run: PipelineRunGraph, step: DevopsStepExecution, event: string, extra: Record<string, unknown> = {}): Promise<void> {
  const base = { type: 'step_update', event, pipeline_run_id: run.id, step_execution: serializeStep(step), progress_percentage: progressPercentage(run.steps), timestamp: isoNow() };
  return publishPipelineMessage(b, run.pipeline, { ...base, ...extra });
}

/** `approval_status {status, gate_name, pipeline_id, pipeline_name, timestamp, …extra}` (approval gates). */
export function publishApprovalStatus(b: Broadcaster, pipeline: PipelineRef, status: string, gateName: string, extra: Record<string, unknown> = {}): Promise<void> {
  const base = { type: 'approval_status', status, gate_name: gateName, pipeline_id: pipeline.id, pipeline_name: pipeline.name, timestamp: isoNow() };
  return publishPipelineMessage(b, pipeline, { ...base, ...extra });
}
