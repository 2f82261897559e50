// AiConversationChannel: PK / conversation_id lookup with account AND (owner | participant | manage permission),
// the exact streams, send_message (persistence, sequence numbers, broadcasts, the job outbox, every error),
// typing_indicator, and every catalog broadcast.

import { AiConversationChannel } from '../../../channels/ai/ai-conversation-channel';
import {
  AiResponseComplete,
  AiResponseStreaming,
  ConversationError,
  ConversationStatusChange,
  conversationStreamArgs,
  MESSAGE_INCLUDE,
  MessageUpdated,
  publishAiThinking,
  publishMessageCreated,
  publishTypingIndicator,
  serializeMessage,
  Typing,
} from '../../../channels/ai/ai-conversation-events';
import { broadcaster } from '../../../src/channel/index';
import { CONVERSATION_INCLUDE } from '../../../channels/ai/conversation-access';
import { MAX_MESSAGE_CHARS } from '../../../channels/ai/conversation-messages';
import { testUser, type HarnessClient } from '../../../src/testing/index';
import { adminWorker, appHarness, channelSuite, replyTo, TIMESTAMP } from '../../support/channel-suite';
import { createUser, FAILING_JOBS, identityOf, openAiDb, UNKNOWN_UUID } from './fixtures';

const d = channelSuite(openAiDb, [AiConversationChannel]);

const params = (id: unknown) => ({ channel: 'AiConversationChannel', conversation_id: id });
// The owner may write: sending (and announcing typing) needs ai.conversations.create (docs/channels.md, Who may write).
const owner = () => identityOf(d.own.accountId, d.own.ownerId, ['ai.conversations.create'], 'Own Owner');
const messages = (client: HarnessClient, p: Record<string, unknown>) => client.received(p) as Array<Record<string, unknown>>;

const subscribed = (id = d.own.conversationPk, identity = owner()) => d.subscribed(identity, params(id));

describe('AiConversationChannel', () => {
  describe('subscribe', () => {
    it('accepts the owner by primary key and streams websocket_channel plus ai_conversation_<pk>', async () => {
      const client = await subscribed();
      expect(client.streams(params(d.own.conversationPk))).toEqual([`ai_conversation_${d.own.conversationKey}`, `ai_conversation_${d.own.conversationPk}`]);
      expect(client.received(params(d.own.conversationPk))).toEqual([{ type: 'subscription.confirmed', conversation_id: d.own.conversationKey, timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('accepts the conversation_id column', async () => {
      const client = await subscribed(d.own.conversationKey);
      expect(client.streams(params(d.own.conversationKey))).toContain(`ai_conversation_${d.own.conversationKey}`);
    });

    it('streams ai_conversation:<pk> when websocket_channel is blank', async () => {
      const client = await subscribed(d.own.agentlessConversationPk);
      expect(client.streams(params(d.own.agentlessConversationPk))).toEqual([`ai_conversation:${d.own.agentlessConversationPk}`, `ai_conversation_${d.own.agentlessConversationPk}`]);
    });

    it("passes only its own event types from ai_conversation_<pk> (StreamingService's stream_* frames are AiStreamingChannel's)", async () => {
      const client = await subscribed();
      const stream = `ai_conversation_${d.own.conversationPk}`;
      const at = '2026-03-15T09:29:28Z';
      await d.server.broadcast(stream, { type: 'stream_started', data: { stream_id: 's1' }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_chunk', data: { stream_id: 's1', content: 'a', accumulated_content: 'a', chunk_index: 0 }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_completed', data: { stream_id: 's1', full_response: 'a' }, timestamp: at });
      await d.server.broadcast(stream, { type: 'ai_response_complete', conversation_id: d.own.conversationKey, message: { id: 'm1' }, timestamp: at });
      await d.server.broadcast(stream, 'not a frame');
      await client.idle();
      expect(client.received(params(d.own.conversationPk)).slice(1)).toEqual([{ type: 'ai_response_complete', conversation_id: d.own.conversationKey, message: { id: 'm1' }, timestamp: at }]);
    });

    it('subscribes once, filtered, when websocket_channel is ai_conversation_<pk> itself', async () => {
      const row = await d.db.aiConversation.create({ data: { accountId: d.own.accountId, userId: d.own.ownerId, conversationId: `conv-self-${Date.now()}`, status: 'active' } });
      await d.db.aiConversation.update({ where: { id: row.id }, data: { websocketChannel: `ai_conversation_${row.id}` } });
      const client = await subscribed(row.id);
      expect(client.streams(params(row.id))).toEqual([`ai_conversation_${row.id}`]);
      const conversation = await d.db.aiConversation.findUniqueOrThrow({ where: { id: row.id }, include: CONVERSATION_INCLUDE });
      await d.server.broadcast(`ai_conversation_${row.id}`, { type: 'stream_chunk', data: { stream_id: 's2' } });
      await broadcaster(ConversationStatusChange)(d.broadcaster, conversationStreamArgs(conversation), { conversation_id: conversation.conversationId, status: 'paused' });
      await client.idle();
      expect(client.received(params(row.id)).slice(1)).toEqual([{ type: 'status_change', conversation_id: conversation.conversationId, status: 'paused' }]);
    });

    it('accepts a participant of a collaborative conversation', async () => {
      await subscribed(d.own.collaborativeConversationPk);
    });

    it('rejects a same-account user who is neither owner nor participant', async () => {
      await d.refuses(identityOf(d.own.accountId, d.own.otherUserId), params(d.own.conversationPk));
    });

    it('accepts a same-account user holding ai.conversations.manage', async () => {
      await subscribed(d.own.conversationPk, identityOf(d.own.accountId, d.own.otherUserId, ['ai.conversations.manage']));
    });

    it('rejects a foreign account even with ai.conversations.manage or system.admin', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: ['ai.conversations.manage', 'system.admin'] }), params(d.foreign.conversationPk), params(d.foreign.conversationKey));
    });

    it('rejects malformed, unknown and missing ids', async () => {
      await d.refuses(owner(), params(12), params(UNKNOWN_UUID), params(''), { channel: 'AiConversationChannel' });
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), params(d.own.conversationPk));
    });
  });

  describe('#send_message', () => {
    it('persists the message with the next sequence number, broadcasts it and queues the AI response', async () => {
      const p = params(d.own.conversationPk);
      const client = await subscribed();
      const before = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.own.conversationPk } });
      await client.perform(p, 'send_message', { content: 'What is left?' });
      const saved = await d.db.aiMessage.findFirstOrThrow({ where: { aiConversationId: d.own.conversationPk, content: 'What is left?' } });
      expect(saved).toMatchObject({ role: 'user', userId: d.own.ownerId, aiAgentId: d.own.agentId });
      expect(saved.sequenceNumber).toBeGreaterThan(1);
      const after = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.own.conversationPk } });
      expect(after.messageCount).toBe(before.messageCount + 1);
      expect(after.lastActivityAt).not.toBeNull();
      const got = messages(client, p).slice(1);
      expect(got[0]).toEqual({
        type: 'message_created',
        conversation_id: d.own.conversationKey,
        workspace: 'Own Team',
        message: {
          id: saved.messageId, content: 'What is left?', sender_type: 'user', sender_info: { id: d.own.ownerId, name: 'Own Owner' },
          sequence_number: saved.sequenceNumber, created_at: expect.stringMatching(TIMESTAMP),
          metadata: { streaming: false, tokens_used: 0, processing: false, error: false },
        },
        timestamp: expect.stringMatching(TIMESTAMP),
      });
      expect(got[1]).toEqual({ type: 'ai_response_queued', status: 'queued', timestamp: expect.stringMatching(TIMESTAMP) });
      expect(got[2]).toEqual({ type: 'ai_thinking', agent_name: 'Own Assistant', conversation_id: d.own.conversationKey, timestamp: expect.stringMatching(TIMESTAMP) });
      const job = await d.db.jobOutbox.findFirstOrThrow({ where: { jobClass: 'AiConversationResponseJob', accountId: d.own.accountId }, orderBy: { createdAt: 'desc' } });
      expect(job).toMatchObject({ queue: 'ai_conversations', status: 'pending', args: [d.own.conversationPk, saved.id, d.own.ownerId] });
    });

    it('numbers consecutive messages 1 apart', async () => {
      const p = params(d.own.agentlessConversationPk);
      const client = await subscribed(d.own.agentlessConversationPk);
      await client.perform(p, 'send_message', { content: 'one' });
      await client.perform(p, 'send_message', { content: 'two' });
      const rows = await d.db.aiMessage.findMany({ where: { aiConversationId: d.own.agentlessConversationPk }, orderBy: { sequenceNumber: 'asc' } });
      expect(rows.map((r) => [r.content, r.sequenceNumber])).toEqual([['one', 1], ['two', 2]]);
    });

    it('queues nothing and sends no ai frames without an agent', async () => {
      const p = params(d.own.agentlessConversationPk);
      const client = await subscribed(d.own.agentlessConversationPk);
      await client.perform(p, 'send_message', { content: 'no agent here' });
      expect(messages(client, p).slice(1).map((m) => m.type)).toEqual(['message_created']);
    });

    it('delivers message_created to a participant', async () => {
      const participant = await subscribed(d.own.collaborativeConversationPk);
      const ownerClient = await subscribed(d.own.collaborativeConversationPk, identityOf(d.own.accountId, d.own.otherUserId, ['ai.conversations.create']));
      await ownerClient.perform(params(d.own.collaborativeConversationPk), 'send_message', { content: 'hello team' });
      expect(messages(participant, params(d.own.collaborativeConversationPk)).map((m) => m.type)).toEqual(['subscription.confirmed', 'message_created', 'ai_thinking']);
    });

    it('transmits the failure frame when the AI response cannot be queued', async () => {
      const client = await d.connect(owner(), appHarness([AiConversationChannel], d.db, { jobs: FAILING_JOBS }).server);
      const p = params(d.own.conversationPk);
      await client.subscribe(p);
      expect(await replyTo(client, p, 'send_message', { content: 'queue me' })).toEqual({ type: 'ai_response_queued', status: 'failed', error: 'AI response could not be queued', timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it.each([
      ['missing content', {}, 'Message content is required'],
      ['blank content', { content: '   ' }, 'Message content is required'],
      ['non-string content', { content: 42 }, 'Message content is required'],
      ['too long content', { content: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }, `Failed to save message: Content is too long (maximum is ${MAX_MESSAGE_CHARS} characters)`],
    ])('replies the error frame for %s', async (_name, data, message) => {
      const p = params(d.own.conversationPk);
      const client = await subscribed();
      expect(await replyTo(client, p, 'send_message', data)).toEqual({ type: 'error', message, timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('replies "Cannot send message to this conversation" when it is archived', async () => {
      const p = params(d.own.archivedConversationPk);
      const client = await subscribed(d.own.archivedConversationPk);
      expect(await replyTo(client, p, 'send_message', { content: 'hello?' })).toEqual({ type: 'error', message: 'Cannot send message to this conversation', timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('replies "Conversation not found" once the conversation is gone', async () => {
      const row = await d.db.aiConversation.create({ data: { accountId: d.own.accountId, userId: d.own.ownerId, conversationId: `tmp-${Date.now()}` } });
      const client = await subscribed(row.id);
      await d.db.aiConversation.delete({ where: { id: row.id } });
      expect(await replyTo(client, params(row.id), 'send_message', { content: 'anyone?' })).toEqual({ type: 'error', message: 'Conversation not found', timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('replies "Failed to send message" when the write fails', async () => {
      // A user whose row is deleted after subscribing: the message's foreign key refuses the write.
      const stranger = await createUser(d.db, d.own.accountId);
      const client = await subscribed(d.own.conversationPk, identityOf(d.own.accountId, stranger.id, ['ai.conversations.manage', 'ai.conversations.create']));
      await d.db.user.delete({ where: { id: stranger.id } });
      expect(await replyTo(client, params(d.own.conversationPk), 'send_message', { content: 'orphan' })).toEqual({ type: 'error', message: 'Failed to send message', timestamp: expect.stringMatching(TIMESTAMP) });
      expect(await d.db.aiMessage.count({ where: { content: 'orphan' } })).toBe(0);
    });
  });

  describe('#typing_indicator', () => {
    it('broadcasts to every subscriber, the sender included; typing is true only for literal true', async () => {
      const p = params(d.own.conversationPk);
      const sender = await subscribed();
      const other = await subscribed(d.own.conversationPk, identityOf(d.own.accountId, d.own.otherUserId, ['ai.conversations.manage'], 'Other'));
      await sender.perform(p, 'typing_indicator', { typing: true });
      const expected = { type: 'typing_indicator', user_id: d.own.ownerId, user_name: 'Own Owner', typing: true, timestamp: expect.stringMatching(TIMESTAMP) };
      expect(sender.last(p)).toEqual(expected);
      expect(other.last(p)).toEqual(expected);
      await sender.perform(p, 'typing_indicator', { typing: 'true' });
      expect(other.last(p)).toMatchObject({ typing: false });
    });
  });

  describe('broadcasts', () => {
    async function rows() {
      const conversation = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.own.conversationPk }, include: CONVERSATION_INCLUDE });
      const message = await d.db.aiMessage.create({
        data: {
          aiConversationId: conversation.id, messageId: `ai-${Date.now()}-${Math.random()}`, role: 'assistant', content: 'Two reviews left.', sequenceNumber: 1000 + Math.floor(Math.random() * 1e6),
          aiAgentId: d.own.agentId, status: 'processing', tokensUsed: 12, costEstimate: '0.0004', metadata: { actions: [{ id: 'a' }], cards: [{ kind: 'x' }], ignored: true },
        },
        include: MESSAGE_INCLUDE,
      });
      return { conversation, message };
    }
    const assistantMessage = (id: string, seq: number) => ({
      id, content: 'Two reviews left.', sender_type: 'ai', sender_info: { id: d.own.agentId, name: 'Own Assistant', agent_type: 'assistant' },
      sequence_number: seq, created_at: expect.stringMatching(TIMESTAMP),
      metadata: { streaming: false, tokens_used: 12, cost_estimate: '0.0004', processing: true, error: false, actions: [{ id: 'a' }], cards: [{ kind: 'x' }] },
    });

    it.each([
      ['ai_response_streaming', AiResponseStreaming],
      ['ai_response_complete', AiResponseComplete],
      ['message_updated', MessageUpdated],
    ] as const)('%s reaches the subscribers', async (type, event) => {
      const client = await subscribed();
      const { conversation, message } = await rows();
      await broadcaster(event)(d.broadcaster, conversationStreamArgs(conversation), { conversation_id: conversation.conversationId, message: serializeMessage(conversation, message) });
      expect(client.last(params(d.own.conversationPk))).toEqual({
        type, conversation_id: d.own.conversationKey, message: assistantMessage(message.messageId, message.sequenceNumber), timestamp: expect.stringMatching(TIMESTAMP),
      });
    });

    it('message_created carries the workspace', async () => {
      const client = await subscribed();
      const { conversation, message } = await rows();
      await publishMessageCreated(d.broadcaster, conversationStreamArgs(conversation), {
        conversation_id: conversation.conversationId, workspace: conversation.agentTeam?.name ?? null, message: serializeMessage(conversation, message),
      });
      expect(client.last(params(d.own.conversationPk))).toMatchObject({ type: 'message_created', workspace: 'Own Team' });
    });

    it('error, status_change, ai_thinking, typing and typing_indicator reach the subscribers', async () => {
      const p = params(d.own.conversationPk);
      const client = await subscribed();
      const { conversation } = await rows();
      const to = conversationStreamArgs(conversation);
      await broadcaster(ConversationError)(d.broadcaster, to, { conversation_id: conversation.conversationId, message: 'provider down' });
      expect(client.last(p)).toEqual({ type: 'error', conversation_id: d.own.conversationKey, message: 'provider down', timestamp: expect.stringMatching(TIMESTAMP) });
      await broadcaster(ConversationStatusChange)(d.broadcaster, to, { conversation_id: conversation.conversationId, status: 'paused' });
      expect(client.last(p)).toEqual({ type: 'status_change', conversation_id: d.own.conversationKey, status: 'paused' });
      await publishAiThinking(d.broadcaster, to, { agent_name: conversation.agent?.name ?? 'AI Assistant', conversation_id: conversation.conversationId });
      expect(client.last(p)).toEqual({ type: 'ai_thinking', agent_name: 'Own Assistant', conversation_id: d.own.conversationKey, timestamp: expect.stringMatching(TIMESTAMP) });
      await broadcaster(Typing)(d.broadcaster, to, { conversation_id: conversation.conversationId, user_id: d.own.ownerId, typing: true });
      expect(client.last(p)).toEqual({ type: 'typing', conversation_id: d.own.conversationKey, user_id: d.own.ownerId, typing: true });
      await publishTypingIndicator(d.broadcaster, to, { user_id: 'u1', user_name: 'e@x.test', typing: false });
      expect(client.last(p)).toEqual({ type: 'typing_indicator', user_id: 'u1', user_name: 'e@x.test', typing: false, timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('reaches subscribers of a conversation without websocket_channel on ai_conversation:<pk>', async () => {
      const client = await subscribed(d.own.agentlessConversationPk);
      const conversation = await d.db.aiConversation.findUniqueOrThrow({ where: { id: d.own.agentlessConversationPk }, include: CONVERSATION_INCLUDE });
      await publishAiThinking(d.broadcaster, conversationStreamArgs(conversation), { agent_name: conversation.agent?.name ?? 'AI Assistant', conversation_id: conversation.conversationId });
      expect(client.last(params(d.own.agentlessConversationPk))).toMatchObject({ type: 'ai_thinking', agent_name: 'AI Assistant' });
    });
  });
});
