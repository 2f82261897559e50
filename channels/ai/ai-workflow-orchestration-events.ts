// AiWorkflowOrchestrationChannel events (docs/channels.md), declared once in the channel catalog: the workflow and
// run replies, and the lock, unlock and collaborative-update broadcasts to `ai_orchestration:account:<account>`.
// `publishWorkflowCollaborativeUpdate` is derived because `update_workflow` sends it; lock/unlock are schema-only
// (the editor's Rails side publishes them; a TypeScript producer uses `broadcaster(WorkflowLocked)`).

import { z } from 'zod';
import { broadcaster, defineEvent } from '../../src/channel/index';
import { iso } from '../application-channel';
import type { AiWorkflow, AiWorkflowRun } from '../../src/db/prisma';
import { OrchestrationAccountStream } from './ai-orchestration-envelope';

/** The user a collaborative broadcast names. */
export interface Collaborator {
  id: string;
  name: string;
  email: string;
}

const Workflow = z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), status: z.string(), created_at: z.string().nullable() });
const StartedRun = z.object({ id: z.string(), run_id: z.string(), status: z.string(), trigger_type: z.string(), created_at: z.string().nullable(), started_at: z.string().nullable() });
const Person = z.object({ id: z.string(), full_name: z.string(), email: z.string() });

/** `workflow` of `workflow_created` / `workflow_updated`. */
export function serializeWorkflow(w: AiWorkflow): z.input<typeof Workflow> {
  return { id: w.id, name: w.name, description: w.description, status: w.status, created_at: iso(w.createdAt) };
}

/** `workflow_run` of `workflow_execution_started`. */
export function serializeStartedRun(run: AiWorkflowRun): z.input<typeof StartedRun> {
  return { id: run.id, run_id: run.runId, status: run.status, trigger_type: run.triggerType, created_at: iso(run.createdAt), started_at: iso(run.startedAt) };
}

/** `{id, full_name, email}` of a collaborator. */
export function person(user: Collaborator): z.input<typeof Person> {
  return { id: user.id, full_name: user.name, email: user.email };
}

const streams = [OrchestrationAccountStream];

/** `workflow_locked {workflow_id, locked_by:{id, full_name, email}, timestamp}`. */
export const WorkflowLocked = defineEvent({ name: 'workflow_locked', delivery: ['broadcast'], streams, stamp: true, fields: { workflow_id: z.string(), locked_by: Person } });
/** `workflow_unlocked {workflow_id, unlocked_by, timestamp}`. */
export const WorkflowUnlocked = defineEvent({ name: 'workflow_unlocked', delivery: ['broadcast'], streams, stamp: true, fields: { workflow_id: z.string(), unlocked_by: Person } });
/** `workflow_collaborative_update {workflow_id, updated_by, action, timestamp}` (sent by `update_workflow` with action "updated"). */
export const WorkflowCollaborativeUpdate = defineEvent({
  name: 'workflow_collaborative_update', delivery: ['broadcast'], streams, stamp: true, summary: 'Sent by update_workflow (action "updated").',
  fields: { workflow_id: z.string(), updated_by: Person, action: z.string() },
});

/** On subscribe. */
export const WorkflowOrchestrationSubscriptionConfirmed = defineEvent({
  name: 'subscription.confirmed', delivery: ['transmit'], stamp: true, fields: { channel: z.literal('workflow_orchestration') },
});
/** `create_workflow` → the new workflow (no timestamp). */
export const WorkflowCreated = defineEvent({ name: 'workflow_created', delivery: ['reply'], replyTo: ['create_workflow'], fields: { workflow: Workflow } });
/** `update_workflow` → the workflow (no timestamp). */
export const WorkflowUpdated = defineEvent({ name: 'workflow_updated', delivery: ['reply'], replyTo: ['update_workflow'], fields: { workflow: Workflow } });
/** `execute_workflow` → the run (new, or the one started in the last 3 s; no timestamp). */
export const WorkflowExecutionStartedReply = defineEvent({
  name: 'workflow_execution_started', delivery: ['reply'], replyTo: ['execute_workflow'], fields: { workflow_run: StartedRun },
});
/** A refused or failed action (validation messages read like Rails' full messages). */
export const WorkflowOrchestrationError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['create_workflow', 'update_workflow', 'execute_workflow'], stamp: true, fields: { error: z.string() },
});

/** `workflow_collaborative_update` to `{account_id}` (sent by `update_workflow`). */
export const publishWorkflowCollaborativeUpdate = broadcaster(WorkflowCollaborativeUpdate);

/** Every AiWorkflowOrchestrationChannel event of its own (its `static events`). */
export const WORKFLOW_ORCHESTRATION_EVENTS = [
  WorkflowLocked, WorkflowUnlocked, WorkflowCollaborativeUpdate, WorkflowOrchestrationSubscriptionConfirmed, WorkflowCreated, WorkflowUpdated, WorkflowExecutionStartedReply, WorkflowOrchestrationError,
] as const;
