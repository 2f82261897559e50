// TeamExecutionChannel events: the stream and every documented event in Powernode's `broadcast_to_team` envelope
// `{type, team_id, …payload, timestamp}` on `team_execution:<team_id>`. The control events are published by the
// channel's commands (publishExecutionControl); the execution lifecycle comes from Rails' team runners, so those
// events are schema-only (`broadcaster(ExecutionStarted)`). They are loose: keys beyond the declared ones follow
// the declared keys.

import { z } from 'zod';
import { broadcaster, defineEvent, stream, type EventTarget } from '../../src/channel/index';

/** `team_execution:{team_id}`: every event below. */
export const TeamExecutionStream = stream('team_execution:{team_id}', { description: "Execution updates and control events of one agent team." });

/** `team_execution:<team_id>`. */
export function teamExecutionStream(teamId: string): string {
  return TeamExecutionStream.name({ team_id: teamId });
}

const ref = { team_id: z.string(), execution_id: z.string(), job_id: z.string().optional() };
const counts = { tasks_total: z.number().optional(), tasks_completed: z.number().optional(), tasks_failed: z.number().optional() };
const on = { delivery: ['broadcast'], streams: [TeamExecutionStream], stamp: true } as const;

/** `execution_started {team_id, execution_id, job_id?, status?, tasks_total?, timestamp}`. */
export const ExecutionStarted = defineEvent({
  name: 'execution_started', ...on, loose: true,
  fields: { ...ref, status: z.string().optional(), tasks_total: z.number().optional() },
});
/** `execution_progress`: progress counters of a running execution. */
export const ExecutionProgress = defineEvent({
  name: 'execution_progress', ...on, loose: true,
  fields: { ...ref, status: z.string().optional(), progress: z.number(), current_member: z.string().optional(), current_role: z.string().optional(), ...counts },
});
/** `member_completed`: one team member's finished turn. */
export const MemberCompleted = defineEvent({
  name: 'member_completed', ...on, loose: true,
  fields: {
    ...ref, status: z.string().optional(), member_index: z.number().optional(), member_name: z.string(), member_success: z.boolean(),
    member_duration_ms: z.number().optional(),
  },
});
/** A finished execution: `status` is the constant of the event, after `team_id`. */
const outcome = <S extends string>(status: S) => ({
  team_id: z.string(), status: z.literal(status), execution_id: z.string(), job_id: z.string().optional(),
  result: z.unknown().optional(), error: z.string().optional(), duration_ms: z.number().optional(), ...counts,
});
/** `execution_completed {team_id, status:"completed", execution_id, …}`. */
export const ExecutionCompleted = defineEvent({ name: 'execution_completed', ...on, loose: true, fields: outcome('completed') });
/** `execution_failed {team_id, status:"failed", execution_id, error?, …}`. */
export const ExecutionFailed = defineEvent({ name: 'execution_failed', ...on, loose: true, fields: outcome('failed') });
/** `execution_timeout {team_id, status:"timeout", execution_id, …}`. */
export const ExecutionTimeout = defineEvent({ name: 'execution_timeout', ...on, loose: true, fields: outcome('timeout') });
/** `plan_awaiting_approval {execution_id, conversation_id, message_id}` (Ai::TeamConversationService). */
export const PlanAwaitingApproval = defineEvent({
  name: 'plan_awaiting_approval', ...on, loose: true,
  fields: { team_id: z.string(), execution_id: z.string(), conversation_id: z.string(), message_id: z.string() },
});

/** A control signal set on an execution: `{team_id, execution_id, status, control_signal, instructions?}`. */
const control = {
  team_id: z.string(), execution_id: z.string(), status: z.string(), control_signal: z.string().nullable(),
  instructions: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
};
/** `pause` → `execution_paused`. */
export const ExecutionPaused = defineEvent({ name: 'execution_paused', ...on, summary: 'Sent by the pause command.', fields: control });
/** `resume` → `execution_resumed`. */
export const ExecutionResumed = defineEvent({ name: 'execution_resumed', ...on, summary: 'Sent by the resume command.', fields: control });
/** `cancel` → `execution_cancelled`. */
export const ExecutionCancelled = defineEvent({ name: 'execution_cancelled', ...on, summary: 'Sent by the cancel command.', fields: control });
/** `redirect` → `execution_redirected` (with `instructions`). */
export const ExecutionRedirected = defineEvent({ name: 'execution_redirected', ...on, summary: 'Sent by the redirect command (with instructions).', fields: control });

/** The control commands the UI sends. */
export type ControlCommand = 'pause' | 'resume' | 'cancel' | 'redirect';

/** The event each control command broadcasts. */
export const CONTROL_EVENTS = { pause: ExecutionPaused, resume: ExecutionResumed, cancel: ExecutionCancelled, redirect: ExecutionRedirected } as const;

/** What a control event carries besides `team_id` (`status` is the execution's, passed explicitly). */
export interface ExecutionControl {
  execution_id: string;
  status: string;
  control_signal: string | null;
  instructions?: Record<string, unknown> | string;
}

const CONTROL_PUBLISHERS = {
  pause: broadcaster(ExecutionPaused), resume: broadcaster(ExecutionResumed), cancel: broadcaster(ExecutionCancelled), redirect: broadcaster(ExecutionRedirected),
};

/** `execution_paused|resumed|cancelled|redirected {team_id, execution_id, status, control_signal, instructions?, timestamp}` for a command. */
export function publishExecutionControl(b: EventTarget, to: { team_id: string }, command: ControlCommand, p: ExecutionControl): Promise<void> {
  return CONTROL_PUBLISHERS[command](b, to, { team_id: to.team_id, ...p });
}

// Transmitted and replies.
const COMMANDS = ['pause', 'resume', 'cancel', 'redirect'];
/** On subscribe. */
export const TeamExecutionConfirmed = defineEvent({
  name: 'subscription.confirmed', delivery: ['transmit'], stamp: true, fields: { channel: z.literal('team_execution'), team_id: z.string() },
});
/** A command was applied. */
export const CommandAcknowledged = defineEvent({
  name: 'command_acknowledged', delivery: ['reply'], replyTo: COMMANDS, stamp: true, fields: { command: z.enum(['pause', 'resume', 'cancel', 'redirect']), execution_id: z.string() },
});
/** A command was refused: "Execution not found", "Execution is not active", "Permission denied: ai.teams.execute", invalid parameters. */
export const CommandError = defineEvent({ name: 'command_error', delivery: ['reply'], replyTo: COMMANDS, stamp: true, fields: { error: z.string() } });

/** Every TeamExecutionChannel event (its `static events`). */
export const TEAM_EXECUTION_EVENTS = [
  ExecutionStarted, ExecutionProgress, MemberCompleted, ExecutionCompleted, ExecutionFailed, ExecutionTimeout,
  ExecutionPaused, ExecutionResumed, ExecutionCancelled, ExecutionRedirected, PlanAwaitingApproval,
  TeamExecutionConfirmed, CommandAcknowledged, CommandError,
] as const;
