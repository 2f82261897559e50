// TeamExecutionChannel events: the stream name and one typed publisher per documented event, each sending
// Powernode's `broadcast_to_team` envelope `{type, team_id, …payload, timestamp}` to `team_execution:<team_id>`.

import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `team_execution:<team_id>`. */
export function teamExecutionStream(teamId: string): string {
  return `team_execution:${teamId}`;
}

/** Every event type the channel documents (the UI's TeamExecutionEventType plus plan_awaiting_approval). */
export type TeamExecutionEvent =
  | 'execution_started'
  | 'execution_progress'
  | 'member_completed'
  | 'execution_completed'
  | 'execution_failed'
  | 'execution_timeout'
  | 'execution_paused'
  | 'execution_resumed'
  | 'execution_cancelled'
  | 'execution_redirected'
  | 'plan_awaiting_approval';

/** Common keys of execution events (`execution_id` is the execution's `execution_id` string or PK). */
export interface ExecutionRef {
  execution_id: string;
  job_id?: string;
  status?: string;
}

/** Progress counters of a running execution. */
export interface ExecutionProgress extends ExecutionRef {
  progress: number;
  current_member?: string;
  current_role?: string;
  tasks_total?: number;
  tasks_completed?: number;
  tasks_failed?: number;
}

/** One team member's finished turn. */
export interface MemberResult extends ExecutionRef {
  member_index?: number;
  member_name: string;
  member_success: boolean;
  member_duration_ms?: number;
}

/** A finished execution. */
export interface ExecutionOutcome extends ExecutionRef {
  result?: unknown;
  error?: string;
  duration_ms?: number;
  tasks_total?: number;
  tasks_completed?: number;
  tasks_failed?: number;
}

/** A control signal set on an execution (pause/resume/cancel/redirect). */
export interface ExecutionControl extends ExecutionRef {
  control_signal: string | null;
  instructions?: Record<string, unknown> | string;
}

/** Powernode `TeamExecutionChannel.broadcast_to_team(team_id, type, payload)`. */
export function publishTeamExecutionEvent(b: Broadcaster, teamId: string, type: TeamExecutionEvent, payload: object): Promise<void> {
  return b.broadcast(teamExecutionStream(teamId), { type, team_id: teamId, ...payload, timestamp: isoNow() });
}

/** `execution_started`. */
export function publishExecutionStarted(b: Broadcaster, teamId: string, p: ExecutionRef & { tasks_total?: number }): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, 'execution_started', p);
}

/** `execution_progress`. */
export function publishExecutionProgress(b: Broadcaster, teamId: string, p: ExecutionProgress): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, 'execution_progress', p);
}

/** `member_completed`. */
export function publishMemberCompleted(b: Broadcaster, teamId: string, p: MemberResult): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, 'member_completed', p);
}

/** `execution_completed`. */
export function publishExecutionCompleted(b: Broadcaster, teamId: string, p: ExecutionOutcome): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, 'execution_completed', { status: 'completed', ...p });
}

/** `execution_failed`. */
export function publishExecutionFailed(b: Broadcaster, teamId: string, p: ExecutionOutcome): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, 'execution_failed', { status: 'failed', ...p });
}

/** `execution_timeout`. */
export function publishExecutionTimeout(b: Broadcaster, teamId: string, p: ExecutionOutcome): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, 'execution_timeout', { status: 'timeout', ...p });
}

/** `execution_paused` / `execution_resumed` / `execution_cancelled` / `execution_redirected` for a control command. */
export function publishExecutionControl(b: Broadcaster, teamId: string, command: ControlCommand, p: ExecutionControl): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, CONTROL_EVENTS[command], p);
}

/** `plan_awaiting_approval {execution_id, conversation_id, message_id}` (Ai::TeamConversationService). */
export function publishPlanAwaitingApproval(b: Broadcaster, teamId: string, p: { execution_id: string; conversation_id: string; message_id: string }): Promise<void> {
  return publishTeamExecutionEvent(b, teamId, 'plan_awaiting_approval', p);
}

/** The control commands the UI sends. */
export type ControlCommand = 'pause' | 'resume' | 'cancel' | 'redirect';

/** The event each control command broadcasts. */
export const CONTROL_EVENTS: Readonly<Record<ControlCommand, TeamExecutionEvent>> = {
  pause: 'execution_paused',
  resume: 'execution_resumed',
  cancel: 'execution_cancelled',
  redirect: 'execution_redirected',
};
