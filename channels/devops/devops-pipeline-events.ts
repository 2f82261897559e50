// DevopsPipelineChannel events (also CiCdPipelineChannel's, through the `devops_*` streams): run, step and approval
// updates on `devops_pipeline_<pipeline>` and `devops_account_<account>`, plus the `subscribed` frame, and the
// run/step serializers of the Rails helpers. Rails publishes the updates (nothing here does), so they are
// schema-only: a TypeScript producer broadcasts to the pipeline's stream, then the account's (Rails order), with
// `broadcaster(RunCreated, DevopsPipelineStream)` and `broadcaster(RunCreated, DevopsAccountStream)`.

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';
import type { Db, DevopsPipeline, DevopsPipelineRun, DevopsStepExecution } from '../../src/db/prisma';

/** `devops_pipeline_{pipeline_id}`: one pipeline's updates (a DevOps pipeline, or a git pipeline's approval gates). */
export const DevopsPipelineStream = stream('devops_pipeline_{pipeline_id}', { description: "One pipeline's run, step and approval updates." });
/** `devops_account_{account_id}`: every pipeline update of an account. */
export const DevopsAccountStream = stream('devops_account_{account_id}', { description: 'Every pipeline update of one account.' });

/** `devops_pipeline_<id>`: one pipeline's updates. */
export function devopsPipelineStream(pipelineId: string): string {
  return DevopsPipelineStream.name({ pipeline_id: pipelineId });
}

/** `devops_account_<id>`: every pipeline update of an account. */
export function devopsAccountStream(accountId: string): string {
  return DevopsAccountStream.name({ account_id: accountId });
}

/** A run with its pipeline and step executions, as the serializer needs it (see loadPipelineRun). */
export type PipelineRunGraph = DevopsPipelineRun & { pipeline: DevopsPipeline; steps: DevopsStepExecution[] };

const Time = z.string().nullable();
/** The `pipeline_run` object of run events (Rails `serialize_run`). */
const PipelineRun = z.object({
  id: z.string(), run_number: z.number(), status: z.string(), trigger_type: z.string(), started_at: Time, completed_at: Time,
  duration_seconds: z.number().nullable(), progress_percentage: z.number(), error_message: z.string().nullable(), pipeline_id: z.string(),
  pipeline_name: z.string(), current_step: z.object({ id: z.string(), name: z.string(), status: z.string() }).nullable(),
});
/** The `step_execution` object of step events (Rails `serialize_step`). */
const StepExecution = z.object({
  id: z.string(), step_name: z.string(), step_type: z.string(), status: z.string(), started_at: Time, completed_at: Time, error_message: z.string().nullable(),
});
/** The `pipeline_run` object of run events. */
export type SerializedRun = z.input<typeof PipelineRun>;
/** The `step_execution` object of step events. */
export type SerializedStep = z.input<typeof StepExecution>;

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

/** Load a run with its pipeline and steps for the serializers (null when it does not exist). */
export function loadPipelineRun(db: Db, runId: string): Promise<PipelineRunGraph | null> {
  return db.devopsPipelineRun.findUnique({ where: { id: runId }, include: { pipeline: true, steps: true } });
}

/** The run event after a run update: `run_completed` for a finished run (success/failure/cancelled), else `run_updated`. */
export function runChangedEvent(run: Pick<DevopsPipelineRun, 'status'>): typeof RunCompleted | typeof RunUpdated {
  return DONE_RUN.has(run.status) ? RunCompleted : RunUpdated;
}

const BOTH = [DevopsPipelineStream, DevopsAccountStream] as const;

function runEvent<N extends string>(name: N, summary: string) {
  return defineEvent({ name, delivery: ['broadcast'], streams: BOTH, stamp: true, summary, fields: { pipeline_run: PipelineRun } });
}

/** `run_created {pipeline_run, timestamp}`. */
export const RunCreated = runEvent('run_created', 'A pipeline run was created.');
/** `run_updated {pipeline_run, timestamp}`. */
export const RunUpdated = runEvent('run_updated', 'A pipeline run changed (not finished).');
/** `run_completed {pipeline_run, timestamp}`: the run finished (success/failure/cancelled). */
export const RunCompleted = runEvent('run_completed', 'A pipeline run finished (success, failure or cancelled).');
/** `step_updated {pipeline_run_id, step_execution, progress_percentage, timestamp}`. */
export const StepUpdated = defineEvent({
  name: 'step_updated', delivery: ['broadcast'], streams: BOTH, stamp: true, summary: 'A step execution changed.',
  fields: { pipeline_run_id: z.string(), step_execution: StepExecution, progress_percentage: z.number() },
});
/** `step_update {event, pipeline_run_id, step_execution, progress_percentage, timestamp, …extra}` (e.g. approval_required). */
export const StepUpdate = defineEvent({
  name: 'step_update', delivery: ['broadcast'], streams: BOTH, stamp: true, loose: true,
  summary: 'A step event (approval_required, approval_granted + responded_by, …); extra keys follow timestamp.',
  fields: { event: z.string(), pipeline_run_id: z.string(), step_execution: StepExecution, progress_percentage: z.number() },
});
/** `approval_status {status, gate_name, pipeline_id, pipeline_name, timestamp, …extra}` (approval gates of git pipelines). */
export const ApprovalStatus = defineEvent({
  name: 'approval_status', delivery: ['broadcast'], streams: BOTH, stamp: true, loose: true,
  summary: 'An approval gate of a (git) pipeline changed; extra keys (approved_by, approved_at, …) follow timestamp.',
  fields: { status: z.string(), gate_name: z.string(), pipeline_id: z.string(), pipeline_name: z.string() },
});
/** On subscribe: `{type:"subscribed", message, pipeline_id, timestamp}` (`pipeline_id` null for the account stream). */
export const PipelineSubscribed = defineEvent({
  name: 'subscribed', delivery: ['transmit'], stamp: true,
  fields: { message: z.string(), pipeline_id: z.string().nullable() },
});

/** Every DevopsPipelineChannel (and CiCdPipelineChannel) event (their `static events`). */
export const DEVOPS_PIPELINE_EVENTS = [RunCreated, RunUpdated, RunCompleted, StepUpdated, StepUpdate, ApprovalStatus, PipelineSubscribed] as const;
