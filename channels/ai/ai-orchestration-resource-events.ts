// Resource events of AiOrchestrationChannel (docs/channels.md), declared once in the channel catalog: agent,
// conversation, alert and health events, Ralph loops, circuit breakers, worktree sessions, worktrees and merges, each
// on the streams of the original's fan-out, and the initial Ralph loop / worktree session status frames. Rails
// publishes them, so they are schema-only: a TypeScript producer broadcasts the same message to each stream with
// `broadcaster(Event, Stream)`, building the payload with the serializers of ai-orchestration-payloads.ts.

import { z } from 'zod';
import { defineEvent } from '../../src/channel/index';
import {
  OrchestrationAccountStream, OrchestrationAgentStream, OrchestrationBreakerServiceStream, OrchestrationBreakerStream, OrchestrationMonitoringStream,
  OrchestrationRalphLoopStream, OrchestrationSystemStream, OrchestrationWorktreeSessionStream, orchestrationEvent, orchestrationFamily,
} from './ai-orchestration-envelope';
import { BreakerData, RalphLoopProgress, WorktreeData, WorktreeSessionData } from './ai-orchestration-payloads';
import { ConversationMessage } from './ai-conversation-events';
import { ListConversationObject } from './ai-conversations-list-events';

const Payload = z.record(z.string(), z.unknown());
const AGENT_EXECUTION_STREAMS = [OrchestrationAgentStream, OrchestrationAccountStream, OrchestrationMonitoringStream] as const;
const AGENT_STREAMS = [OrchestrationAgentStream, OrchestrationAccountStream] as const;
const ACCOUNT = [OrchestrationAccountStream] as const;
const RALPH_STREAMS = [OrchestrationRalphLoopStream, OrchestrationAccountStream] as const;
/** Account breakers: own stream + account; service breakers: own stream + `circuit_breaker_service:<service>` + `circuit_breaker:all`. */
const BREAKER_STREAMS = [OrchestrationBreakerStream, OrchestrationAccountStream, OrchestrationBreakerServiceStream] as const;
const SESSION_STREAMS = [OrchestrationWorktreeSessionStream, OrchestrationAccountStream] as const;

/**
 * `agent.*` of one execution (resource `agent_execution`, id = the execution PK), payload `{agent_id, execution_id, …}`:
 * `agent:<agent id>`, `account:<acct>`, and `monitoring:<acct>` when the name contains `failed`/`alert` (the original
 * also sends it to the unsubscribable `ai_orchestration:agent_execution:<pk>`).
 */
export const AgentExecutionEvent = orchestrationFamily('agent execution events (agent.*)', 'agent_execution', AGENT_EXECUTION_STREAMS,
  'Events of an agent execution: the agent and account streams, plus monitoring when the name contains "failed" or "alert" (also ai_orchestration:agent_execution:<pk>, which nobody can subscribe to).',
  z.looseObject({ agent_id: z.string(), execution_id: z.string() }));
const agentResource = <N extends string>(name: N, summary: string) => orchestrationEvent(name, 'agent', AGENT_STREAMS, summary, Payload);
/** `agent.created` (resource `agent`, generic rule). */
export const AgentCreated = agentResource('agent.created', 'An agent was created.');
/** `agent.updated` (resource `agent`, generic rule). */
export const AgentUpdated = agentResource('agent.updated', 'An agent was updated.');
/** `agent.deleted` (resource `agent`, generic rule). */
export const AgentDeleted = agentResource('agent.deleted', 'An agent was deleted.');

const conversationNote = ' Resource conversation, id = PK; the account stream (ai_orchestration:conversation:<pk> is not subscribable).';
/** `conversation.created {conversation}` (AiConversationsListChannel's object). */
export const ConversationCreated = orchestrationEvent('conversation.created', 'conversation', ACCOUNT, `A conversation was created.${conversationNote}`,
  z.object({ conversation: ListConversationObject }));
/** `conversation.updated {conversation}`. */
export const ConversationUpdated = orchestrationEvent('conversation.updated', 'conversation', ACCOUNT, `A conversation was updated.${conversationNote}`,
  z.object({ conversation: ListConversationObject }));
/** `conversation.message.added {conversation_id (column), message}` (AiConversationChannel's message object). */
export const ConversationMessageAdded = orchestrationEvent('conversation.message.added', 'conversation', ACCOUNT, `A message was added.${conversationNote}`,
  z.object({ conversation_id: z.string(), message: ConversationMessage }));

/** `monitoring.alert.triggered` (resource `alert`, id = alert_type): `monitoring:<acct>`, `account:<acct>`. */
export const MonitoringAlertTriggered = orchestrationEvent('monitoring.alert.triggered', 'alert', [OrchestrationMonitoringStream, OrchestrationAccountStream],
  'An alert (resource_id = alert_type); the payload is the alert hash.', z.looseObject({ account_id: z.string(), alert_type: z.string() }));
/** `system.health.changed` (resource `system`/`health`): `system:health`, and `account:<acct>` when an account is given. */
export const SystemHealthChanged = orchestrationEvent('system.health.changed', 'system', [OrchestrationSystemStream, OrchestrationAccountStream],
  'System health (resource_id "health"): ai_orchestration:system:health, and the account stream when an account is given.', Payload);

const ralph = <N extends string, P extends z.ZodType>(name: N, summary: string, payload: P) => orchestrationEvent(name, 'ralph_loop', RALPH_STREAMS, summary, payload);
/** `ralph_loop.started` (the loop's progress). */
export const RalphLoopStarted = ralph('ralph_loop.started', 'A Ralph loop started.', RalphLoopProgress);
/** `ralph_loop.progress` (the loop's progress). */
export const RalphLoopProgressed = ralph('ralph_loop.progress', 'Progress of a Ralph loop.', RalphLoopProgress);
/** `ralph_loop.completed` (the loop's progress). */
export const RalphLoopCompleted = ralph('ralph_loop.completed', 'A Ralph loop completed.', RalphLoopProgress);
/** `ralph_loop.paused` (the loop's progress). */
export const RalphLoopPaused = ralph('ralph_loop.paused', 'A Ralph loop paused.', RalphLoopProgress);
/** `ralph_loop.cancelled` (the loop's progress). */
export const RalphLoopCancelled = ralph('ralph_loop.cancelled', 'A Ralph loop was cancelled.', RalphLoopProgress);
/** `ralph_loop.iteration_completed` (progress + `iteration_number`). */
export const RalphLoopIterationCompleted = ralph('ralph_loop.iteration_completed', 'An iteration of a Ralph loop completed.', RalphLoopProgress.extend({ iteration_number: z.number() }));
/** `ralph_loop.task_status_changed` (progress + `task_id`, `task_status`). */
export const RalphLoopTaskStatusChanged = ralph('ralph_loop.task_status_changed', 'A task of a Ralph loop changed status.',
  RalphLoopProgress.extend({ task_id: z.string(), task_status: z.string() }));
/** `ralph_loop.learning_added` (progress + `learning`). */
export const RalphLoopLearningAdded = ralph('ralph_loop.learning_added', 'A Ralph loop recorded a learning.', RalphLoopProgress.extend({ learning: z.string() }));
/** `ralph_loop.failed` (progress + `error_message`, the loop's own when the producer gives none). */
export const RalphLoopFailed = ralph('ralph_loop.failed', "A Ralph loop failed (error_message: the given one, else the loop's).",
  RalphLoopProgress.extend({ error_message: z.string().nullable() }));

const breakerSummary = ' Account breakers: the breaker and account streams; service breakers: the breaker, circuit_breaker_service:<service> and circuit_breaker:all streams.';
const breaker = <N extends string>(name: N, summary: string) => orchestrationEvent(name, 'circuit_breaker', BREAKER_STREAMS, summary + breakerSummary, z.object({ breaker: BreakerData }));
/** `circuit_breaker.state_changed {breaker}`. */
export const CircuitBreakerStateChanged = breaker('circuit_breaker.state_changed', 'A breaker changed state.');
/** `circuit_breaker.opened {breaker}`. */
export const CircuitBreakerOpened = breaker('circuit_breaker.opened', 'A breaker opened.');
/** `circuit_breaker.closed {breaker}`. */
export const CircuitBreakerClosed = breaker('circuit_breaker.closed', 'A breaker closed.');
/** `circuit_breaker.half_opened {breaker}`. */
export const CircuitBreakerHalfOpened = breaker('circuit_breaker.half_opened', 'A breaker half-opened.');
/** `circuit_breaker.reset {breaker}`. */
export const CircuitBreakerReset = breaker('circuit_breaker.reset', 'A breaker was reset.');
const signal = <N extends string>(name: N, summary: string) => orchestrationEvent(name, 'circuit_breaker', BREAKER_STREAMS, summary + breakerSummary,
  z.object({ breaker_id: z.string(), metadata: Payload }));
/** `circuit_breaker.failure {breaker_id, metadata}`. */
export const CircuitBreakerFailure = signal('circuit_breaker.failure', 'A breaker recorded a failure.');
/** `circuit_breaker.success {breaker_id, metadata}`. */
export const CircuitBreakerSuccess = signal('circuit_breaker.success', 'A breaker recorded a success.');

/** `worktree_session.<x>` (session summary + extras). */
export const WorktreeSessionEvent = orchestrationFamily('worktree session events (worktree_session.*)', 'worktree_session', SESSION_STREAMS,
  'Events of a worktree session: its summary plus event-specific keys.', WorktreeSessionData.loose());
/** `worktree.<x>` (worktree summary + extras; resource = the parent session). */
export const WorktreeEvent = orchestrationFamily('worktree events (worktree.*)', 'worktree_session', SESSION_STREAMS,
  'Events of one worktree (resource = its session): the worktree summary plus event-specific keys.', WorktreeData.loose());
const merge = <N extends string>(name: N, summary: string) => orchestrationEvent(name, 'worktree_session', SESSION_STREAMS, summary, z.looseObject({ session_id: z.string() }));
/** `merge.started {session_id, …}`. */
export const MergeStarted = merge('merge.started', 'A worktree session started merging.');
/** `merge.completed {session_id, …}`. */
export const MergeCompleted = merge('merge.completed', 'A worktree session merged.');
/** `merge.conflict {session_id, …}`. */
export const MergeConflict = merge('merge.conflict', 'A merge hit a conflict.');
/** `merge.resolved {session_id, …}`. */
export const MergeResolved = merge('merge.resolved', 'A merge conflict was resolved.');
/** `merge.failed {session_id, …}`. */
export const MergeFailed = merge('merge.failed', 'A merge failed.');

const initialFields = { timestamp: z.string(), is_initial_status: z.literal(true) };
/** The initial status of a `ralph_loop` subscription: `ralph_loop.progress` with `is_initial_status:true`. */
export const RalphLoopInitialStatus = defineEvent({
  name: 'ralph_loop.progress', key: 'event', delivery: ['transmit'], stamp: true, summary: 'The initial status of a ralph_loop subscription (after the confirmation).',
  fields: { resource_type: z.literal('ralph_loop'), resource_id: z.string(), payload: RalphLoopProgress, ...initialFields },
});
/** The initial status of a `worktree_session` subscription: `worktree_session.status_changed` (session summary), `is_initial_status:true`. */
export const WorktreeSessionInitialStatus = defineEvent({
  name: 'worktree_session.status_changed', key: 'event', delivery: ['transmit'], stamp: true, summary: 'The initial status of a worktree_session subscription (after the confirmation).',
  fields: { resource_type: z.literal('worktree_session'), resource_id: z.string(), payload: WorktreeSessionData, ...initialFields },
});

/** Every resource-side AiOrchestrationChannel event. */
export const ORCHESTRATION_RESOURCE_EVENTS = [
  AgentExecutionEvent, AgentCreated, AgentUpdated, AgentDeleted, ConversationCreated, ConversationUpdated, ConversationMessageAdded,
  MonitoringAlertTriggered, SystemHealthChanged,
  RalphLoopStarted, RalphLoopProgressed, RalphLoopIterationCompleted, RalphLoopTaskStatusChanged, RalphLoopLearningAdded, RalphLoopCompleted,
  RalphLoopFailed, RalphLoopPaused, RalphLoopCancelled,
  CircuitBreakerStateChanged, CircuitBreakerOpened, CircuitBreakerClosed, CircuitBreakerHalfOpened, CircuitBreakerReset, CircuitBreakerFailure, CircuitBreakerSuccess,
  WorktreeSessionEvent, WorktreeEvent, MergeStarted, MergeCompleted, MergeConflict, MergeResolved, MergeFailed,
  RalphLoopInitialStatus, WorktreeSessionInitialStatus,
] as const;
