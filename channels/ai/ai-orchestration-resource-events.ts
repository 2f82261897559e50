// Resource publishers of AiOrchestrationChannel (docs/channels.md): agent, conversation, alert and health events, Ralph loops,
// circuit breakers, worktree sessions, worktrees and merges, each with the original's fan-out.

import type { AiAgentExecution, AiCircuitBreaker, AiRalphLoop, AiWorktree, AiWorktreeSession, CircuitBreaker } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { broadcastAll, orchestrationMessage, orchestrationStream, publishOrchestrationEvent } from './ai-orchestration-envelope';
import { ralphLoopProgress, serializeBreaker, worktreeSessionSummary, worktreeSummary } from './ai-orchestration-payloads';
import { serializeMessage, type ConversationRef, type MessageRow } from './ai-conversation-events';
import { serializeListConversation, type ListConversation } from './ai-conversations-list-events';

/** Ralph loop transitions whose payload is the loop's progress only. */
export type RalphTransition = 'started' | 'progress' | 'completed' | 'paused' | 'cancelled';
/** Circuit breaker transitions carrying the breaker hash. */
export type BreakerTransition = 'state_changed' | 'opened' | 'closed' | 'half_opened' | 'reset';
/** Merge events of a worktree session. */
export type MergeEvent = 'started' | 'completed' | 'conflict' | 'resolved' | 'failed';

/** `agent.*` events of one execution: resource `agent_execution`, plus the `agent:<agent id>` stream (fork type). */
export async function publishAgentEvent(b: Broadcaster, event: string, execution: Pick<AiAgentExecution, 'id' | 'aiAgentId' | 'executionId' | 'accountId'>, payload: Record<string, unknown> = {}): Promise<void> {
  const body = { agent_id: execution.aiAgentId, execution_id: execution.executionId, ...payload };
  await publishOrchestrationEvent(b, { event, resourceType: 'agent_execution', resourceId: execution.id, payload: body, accountId: execution.accountId });
  // `ai_orchestration:agent_execution:<pk>` is not subscribable; `agent` subscribers follow the agent itself.
  await b.broadcast(orchestrationStream('agent', execution.aiAgentId), orchestrationMessage(event, 'agent_execution', execution.id, body));
}

/** `agent.created` / `agent.updated` / `agent.deleted` of an agent (generic rule, resource `agent`). */
export function publishAgentResourceEvent(b: Broadcaster, event: string, agent: { id: string; accountId: string }, payload: Record<string, unknown>): Promise<void> {
  return publishOrchestrationEvent(b, { event, resourceType: 'agent', resourceId: agent.id, payload, accountId: agent.accountId });
}

/**
 * `conversation.created` / `conversation.updated` `{conversation}` (the conversations-list object), resource
 * `conversation` / PK, by the generic rule. The original lists these names in EVENT_TYPES but has no helper; as
 * with agent executions, `conversation:<pk>` is not a subscribable type, so account subscribers receive them.
 */
export function publishConversationOrchestrationEvent(b: Broadcaster, transition: 'created' | 'updated', conversation: ListConversation): Promise<void> {
  const payload = { conversation: serializeListConversation(conversation) };
  return publishOrchestrationEvent(b, { event: `conversation.${transition}`, resourceType: 'conversation', resourceId: conversation.id, payload, accountId: conversation.accountId });
}

/** `conversation.message.added` `{conversation_id (column), message}` (AiConversationChannel's message object). */
export function publishConversationMessageAdded(b: Broadcaster, conversation: ConversationRef & { accountId: string }, message: MessageRow): Promise<void> {
  const payload = { conversation_id: conversation.conversationId, message: serializeMessage(conversation, message) };
  return publishOrchestrationEvent(b, { event: 'conversation.message.added', resourceType: 'conversation', resourceId: conversation.id, payload, accountId: conversation.accountId });
}

/** `monitoring.alert.triggered` (resource `alert`, id = alert_type) to the account's monitoring and account streams. */
export async function publishAlert(b: Broadcaster, alert: { account_id: string; alert_type: string } & Record<string, unknown>): Promise<void> {
  const message = orchestrationMessage('monitoring.alert.triggered', 'alert', alert.alert_type, alert);
  await broadcastAll(b, [orchestrationStream('monitoring', alert.account_id), orchestrationStream('account', alert.account_id)], message);
}

/** `system.health.changed` to `ai_orchestration:system:health` (plus the account stream when given). */
export function publishHealthChange(b: Broadcaster, health: Record<string, unknown>, accountId: string | null): Promise<void> {
  return publishOrchestrationEvent(b, { event: 'system.health.changed', resourceType: 'system', resourceId: 'health', payload: health, accountId });
}

async function publishRalph(b: Broadcaster, loop: AiRalphLoop, kind: string, extra: Record<string, unknown> = {}): Promise<void> {
  const message = orchestrationMessage(`ralph_loop.${kind}`, 'ralph_loop', loop.id, { ...ralphLoopProgress(loop), ...extra });
  await broadcastAll(b, [orchestrationStream('ralph_loop', loop.id), orchestrationStream('account', loop.accountId)], message);
}

/** `ralph_loop.{started,progress,completed,paused,cancelled}`. */
export function publishRalphLoopEvent(b: Broadcaster, loop: AiRalphLoop, transition: RalphTransition): Promise<void> {
  return publishRalph(b, loop, transition);
}

/** `ralph_loop.iteration_completed` with `iteration_number`. */
export function publishRalphLoopIterationCompleted(b: Broadcaster, loop: AiRalphLoop, iterationNumber: number): Promise<void> {
  return publishRalph(b, loop, 'iteration_completed', { iteration_number: iterationNumber });
}

/** `ralph_loop.task_status_changed` with `task_id` and `task_status`. */
export function publishRalphLoopTaskStatusChanged(b: Broadcaster, loop: AiRalphLoop, task: { id: string; status: string }): Promise<void> {
  return publishRalph(b, loop, 'task_status_changed', { task_id: task.id, task_status: task.status });
}

/** `ralph_loop.learning_added` with `learning`. */
export function publishRalphLoopLearningAdded(b: Broadcaster, loop: AiRalphLoop, learning: string): Promise<void> {
  return publishRalph(b, loop, 'learning_added', { learning });
}

/** `ralph_loop.failed` with `error_message` (the loop's own when none is given). */
export function publishRalphLoopFailed(b: Broadcaster, loop: AiRalphLoop, errorMessage?: string | null): Promise<void> {
  return publishRalph(b, loop, 'failed', { error_message: errorMessage ?? loop.errorMessage });
}

/** Where a breaker's events go: its own stream, then its account (account breakers) or service and `all` streams. */
export function breakerStreams(breaker: AiCircuitBreaker | CircuitBreaker): string[] {
  const own = orchestrationStream('circuit_breaker', breaker.id);
  if ('accountId' in breaker) return [own, orchestrationStream('account', breaker.accountId)];
  return [own, orchestrationStream('circuit_breaker_service', breaker.service), orchestrationStream('circuit_breaker', 'all')];
}

/** `circuit_breaker.{state_changed,opened,closed,half_opened,reset}` `{breaker}`. */
export async function publishCircuitBreakerEvent(b: Broadcaster, breaker: AiCircuitBreaker | CircuitBreaker, transition: BreakerTransition): Promise<void> {
  const message = orchestrationMessage(`circuit_breaker.${transition}`, 'circuit_breaker', breaker.id, { breaker: serializeBreaker(breaker) });
  await broadcastAll(b, breakerStreams(breaker), message);
}

/** `circuit_breaker.failure` / `circuit_breaker.success` `{breaker_id, metadata}`. */
export async function publishCircuitBreakerSignal(b: Broadcaster, breaker: AiCircuitBreaker | CircuitBreaker, signal: 'failure' | 'success', metadata: Record<string, unknown>): Promise<void> {
  const message = orchestrationMessage(`circuit_breaker.${signal}`, 'circuit_breaker', breaker.id, { breaker_id: breaker.id, metadata });
  await broadcastAll(b, breakerStreams(breaker), message);
}

async function publishToSession(b: Broadcaster, event: string, sessionId: string, accountId: string, payload: Record<string, unknown>): Promise<void> {
  const message = orchestrationMessage(event, 'worktree_session', sessionId, payload);
  await broadcastAll(b, [orchestrationStream('worktree_session', sessionId), orchestrationStream('account', accountId)], message);
}

/** `worktree_session.<kind>` with the session summary plus `extra`. */
export function publishWorktreeSessionEvent(b: Broadcaster, session: AiWorktreeSession, kind: string, extra: Record<string, unknown> = {}): Promise<void> {
  return publishToSession(b, `worktree_session.${kind}`, session.id, session.accountId, { ...worktreeSessionSummary(session), ...extra });
}

/** `worktree.<kind>` (resource = the parent session) with the worktree summary plus `extra`. */
export function publishWorktreeEvent(b: Broadcaster, worktree: AiWorktree, kind: string, extra: Record<string, unknown> = {}): Promise<void> {
  return publishToSession(b, `worktree.${kind}`, worktree.worktreeSessionId, worktree.accountId, { ...worktreeSummary(worktree), ...extra });
}

/** `merge.{started,completed,conflict,resolved,failed}` of a worktree session. */
export function publishMergeEvent(b: Broadcaster, session: AiWorktreeSession, event: MergeEvent, payload: Record<string, unknown> = {}): Promise<void> {
  return publishToSession(b, `merge.${event}`, session.id, session.accountId, { session_id: session.id, ...payload });
}
