// End to end: every AI channel through a real client (@rails/actioncable or a raw ws client speaking the
// browser's frames) against one server from startServer, with tokens signed for users of the database.

import { ConversationCreated, serializeListConversation } from '../../../channels/ai/ai-conversations-list-events';
import { OrchestrationAccountStream, OrchestrationRalphLoopStream } from '../../../channels/ai/ai-orchestration-envelope';
import { ralphLoopProgress } from '../../../channels/ai/ai-orchestration-payloads';
import { RalphLoopCompleted } from '../../../channels/ai/ai-orchestration-resource-events';
import { isoNow } from '../../../channels/application-channel';
import { ConversationStreamingStream, StreamToken } from '../../../channels/ai/ai-streaming-events';
import { CONVERSATION_INCLUDE } from '../../../channels/ai/conversation-access';
import { broadcaster } from '../../../src/channel/index';
import { TIMESTAMP } from '../../support/channel-suite';
import { railsSubscribe } from '../../support/clients';
import { e2eSuite } from '../../support/e2e-server';
import type { RawClient } from '../../support/ws-client';
import { createUser, seedAiRows } from './fixtures';

const e = e2eSuite('ai', seedAiRows);
beforeAll(async () => {
  // The owner writes (send_message, typing, create_workflow): granted before any connection caches the identity.
  await e.grantToken(e.own.ownerId, ['ai.conversations.create', 'ai.workflows.create']);
});

const consumer = async (userId: string, permissions: string[] = []) => e.consumer(await e.grantToken(userId, permissions));
/** A raw browser-style client, welcomed. */
const raw = async (userId: string, permissions: string[] = []) => e.raw(await e.grantToken(userId, permissions));

/** Subscribe `client` with `params` and return the confirmation or rejection frame type. */
async function subscribe(client: RawClient, params: Record<string, unknown>): Promise<string> {
  const identifier = JSON.stringify(params);
  client.send({ command: 'subscribe', identifier });
  const frame = await client.next((f) => f.identifier === identifier && (f.type === 'confirm_subscription' || f.type === 'reject_subscription'));
  return frame.type as string;
}

const messageOf = (client: RawClient, pred: (m: Record<string, unknown>) => boolean) =>
  client.next((f) => typeof f.message === 'object' && f.message !== null && pred(f.message as Record<string, unknown>)).then((f) => f.message as Record<string, unknown>);

describe('AI channels end to end', () => {
  it('AiAgentExecutionChannel answers request_status over @rails/actioncable', async () => {
    const sub = railsSubscribe(await consumer(e.own.ownerId), { channel: 'AiAgentExecutionChannel', execution_id: e.own.executionId });
    expect(await sub.next()).toMatchObject({ type: 'subscription.confirmed', channel: 'agent_execution', execution_id: e.own.executionId });
    expect(await sub.state).toBe('connected');
    sub.perform('request_status');
    expect(await sub.next()).toMatchObject({ type: 'execution_status', execution: { execution_id: e.own.executionId, total_cost: '0.0123', execution_time_ms: 60000 } });
    const foreign = railsSubscribe(await consumer(e.own.ownerId), { channel: 'AiAgentExecutionChannel', execution_id: e.foreign.executionId });
    expect(await foreign.state).toBe('rejected');
  });

  it('AiConversationChannel persists send_message, queues the job and broadcasts typing over a raw socket', async () => {
    const client = await raw(e.own.ownerId);
    const params = { channel: 'AiConversationChannel', conversation_id: e.own.conversationPk };
    expect(await subscribe(client, params)).toBe('confirm_subscription');
    const identifier = JSON.stringify(params);
    client.send({ command: 'message', identifier, data: JSON.stringify({ action: 'send_message', content: 'over the wire' }) });
    // The transmit and the broadcasts of one action may arrive in either order (broadcasts go through pub/sub, as in Rails).
    const seen = new Map<unknown, Record<string, unknown>>();
    while (seen.size < 3) {
      const m = await messageOf(client, (x) => ['message_created', 'ai_response_queued', 'ai_thinking'].includes(x.type as string));
      seen.set(m.type, m);
    }
    expect(seen.get('message_created')).toMatchObject({ conversation_id: e.own.conversationKey, message: { content: 'over the wire', sender_type: 'user' } });
    expect(seen.get('ai_response_queued')).toMatchObject({ status: 'queued' });
    expect(seen.get('ai_thinking')).toMatchObject({ agent_name: 'E2E own Assistant' });
    expect(await e.running.db.jobOutbox.count({ where: { jobClass: 'AiConversationResponseJob', accountId: e.own.accountId } })).toBe(1);
    client.send({ command: 'message', identifier, data: JSON.stringify({ action: 'typing_indicator', typing: true }) });
    expect(await messageOf(client, (m) => m.type === 'typing_indicator')).toMatchObject({ user_id: e.own.ownerId, typing: true });
  });

  it('AiOrchestrationChannel confirms, sends the initial status and relays publishers over @rails/actioncable', async () => {
    const sub = railsSubscribe(await consumer(e.own.ownerId), { channel: 'AiOrchestrationChannel', type: 'ralph_loop', id: e.own.ralphLoopId });
    expect(await sub.next()).toMatchObject({ type: 'subscription.confirmed', stream_key: `ai_orchestration:ralph_loop:${e.own.ralphLoopId}` });
    expect(await sub.next()).toMatchObject({ event: 'ralph_loop.progress', is_initial_status: true, payload: { task_count: 8 } });
    expect(await sub.state).toBe('connected');
    const loop = await e.running.db.aiRalphLoop.findUniqueOrThrow({ where: { id: e.own.ralphLoopId } });
    const completed = { resource_id: loop.id, payload: ralphLoopProgress(loop), timestamp: isoNow() };
    await broadcaster(RalphLoopCompleted, OrchestrationRalphLoopStream)(e.running.services.broadcaster, { loop_id: loop.id }, completed);
    await broadcaster(RalphLoopCompleted, OrchestrationAccountStream)(e.running.services.broadcaster, { account_id: loop.accountId }, completed);
    expect(await sub.next()).toMatchObject({ event: 'ralph_loop.completed', resource_type: 'ralph_loop', resource_id: e.own.ralphLoopId });
    const breakers = railsSubscribe(await consumer(e.own.ownerId), { channel: 'AiOrchestrationChannel', type: 'circuit_breaker', resource_id: 'all' });
    expect(await breakers.state).toBe('rejected');
  });

  it('AiStreamingChannel delivers tokens on the conversation path over a raw socket', async () => {
    const client = await raw(e.own.ownerId);
    expect(await subscribe(client, { channel: 'AiStreamingChannel', conversation_id: e.own.conversationPk })).toBe('confirm_subscription');
    await broadcaster(StreamToken, ConversationStreamingStream)(e.running.services.broadcaster, { conversation_id: e.own.conversationPk }, { data: { stream_id: 's', content: 'Hi', accumulated_content: 'Hi', chunk_index: 0 } });
    expect(await messageOf(client, (m) => m.type === 'token')).toEqual({ type: 'token', data: { stream_id: 's', content: 'Hi', accumulated_content: 'Hi', chunk_index: 0 }, timestamp: expect.stringMatching(TIMESTAMP) });
    // Rails StreamingService's frame on ai_conversation_<pk> arrives translated.
    const at = '2026-03-15T09:29:28Z';
    await e.running.services.broadcaster.broadcast(`ai_conversation_${e.own.conversationPk}`, { type: 'stream_chunk', data: { stream_id: 'r', chunk_index: 1, content: '!', accumulated_content: 'Hi!' }, timestamp: at });
    expect(await messageOf(client, (m) => m.type === 'token')).toEqual({ type: 'token', data: { stream_id: 'r', content: '!', accumulated_content: 'Hi!', chunk_index: 1 }, timestamp: at });
  });

  it('AiWorkflowMonitoringChannel answers the UI\'s bare-identifier get_dashboard_stats over a raw socket', async () => {
    // A fresh user: the identity store caches a user's permissions for a second.
    const monitor = await createUser(e.running.db, e.own.accountId);
    const client = await raw(monitor.id, ['ai.monitor']);
    expect(await subscribe(client, { channel: 'AiWorkflowMonitoringChannel', account_id: e.own.accountId })).toBe('confirm_subscription');
    client.send({ command: 'message', identifier: JSON.stringify({ channel: 'AiWorkflowMonitoringChannel' }), data: JSON.stringify({ action: 'get_dashboard_stats' }) });
    expect(await messageOf(client, (m) => m.type === 'dashboard_stats')).toMatchObject({ stats: { total_workflows: 2, active_executions: 1 } });
    const denied = await raw(e.own.otherUserId);
    expect(await subscribe(denied, { channel: 'AiWorkflowMonitoringChannel', account_id: e.own.accountId })).toBe('reject_subscription');
  });

  it('AiWorkflowOrchestrationChannel creates a workflow over @rails/actioncable', async () => {
    const sub = railsSubscribe(await consumer(e.own.ownerId), { channel: 'AiWorkflowOrchestrationChannel' });
    expect(await sub.next()).toMatchObject({ type: 'subscription.confirmed', channel: 'workflow_orchestration' });
    expect(await sub.state).toBe('connected');
    sub.perform('create_workflow', { workflow: { name: 'From The Wire' }, nodes: [{ node_id: 'start', node_type: 'start', name: 'Start' }] });
    expect(await sub.next()).toMatchObject({ type: 'workflow_created', workflow: { name: 'From The Wire', status: 'draft' } });
    expect(await e.running.db.aiWorkflow.count({ where: { accountId: e.own.accountId, slug: 'from-the-wire' } })).toBe(1);
  });

  it('AiConversationsListChannel relays conversation_created over a raw socket', async () => {
    const client = await raw(e.own.otherUserId);
    expect(await subscribe(client, { channel: 'AiConversationsListChannel' })).toBe('confirm_subscription');
    const conversation = await e.running.db.aiConversation.findUniqueOrThrow({ where: { id: e.own.conversationPk }, include: CONVERSATION_INCLUDE });
    await broadcaster(ConversationCreated)(e.running.services.broadcaster, { account_id: conversation.accountId }, { conversation: serializeListConversation(conversation) });
    expect(await messageOf(client, (m) => m.type === 'conversation_created')).toMatchObject({ conversation: { id: e.own.conversationPk, account_id: e.own.accountId } });
  });
});
