// AiStreamingChannel: the execution path (PK or execution_id column) and the conversation path (PK or
// conversation_id column, with the conversation access rule), the exact streams, all four publishers, and the
// translation of Rails StreamingService frames.

import { AiStreamingChannel } from '../../../channels/ai/ai-streaming-channel';
import { ConversationStreamingStream, ExecutionStreamingStream, StreamEnd, StreamError, StreamStart, StreamToken } from '../../../channels/ai/ai-streaming-events';
import { broadcaster, type EventSpec } from '../../../src/channel/index';
import { testUser, type HarnessParams } from '../../../src/testing/index';
import { adminWorker, channelSuite, TIMESTAMP } from '../../support/channel-suite';
import { identityOf, openAiDb, UNKNOWN_UUID } from './fixtures';

const d = channelSuite(openAiDb, [AiStreamingChannel]);

const exec = (id: unknown) => ({ channel: 'AiStreamingChannel', execution_id: id });
const conv = (id: unknown) => ({ channel: 'AiStreamingChannel', conversation_id: id });
const owner = () => identityOf(d.own.accountId, d.own.ownerId);

const subscribed = (params: HarnessParams, identity = owner()) => d.subscribed(identity, params);

describe('AiStreamingChannel', () => {
  describe('execution path', () => {
    it('accepts the execution_id column and streams both execution names plus the StreamingService name', async () => {
      const client = await subscribed(exec(d.own.executionId));
      expect(client.streams(exec(d.own.executionId)).sort()).toEqual(
        [`ai_streaming:execution:${d.own.executionId}`, `ai_streaming:execution:${d.own.executionPk}`, `ai_execution_stream_${d.own.executionPk}`].sort(),
      );
      expect(client.received(exec(d.own.executionId))).toEqual([
        { type: 'subscription.confirmed', subscription_type: 'execution', execution_id: d.own.executionId, timestamp: expect.stringMatching(TIMESTAMP) },
      ]);
    });

    it('accepts the primary key', async () => {
      const client = await subscribed(exec(d.own.executionPk));
      expect(client.streams(exec(d.own.executionPk)).sort()).toEqual(
        [`ai_streaming:execution:${d.own.executionId}`, `ai_streaming:execution:${d.own.executionPk}`, `ai_execution_stream_${d.own.executionPk}`].sort(),
      );
    });

    it('prefers the execution when both ids are given', async () => {
      const params = { channel: 'AiStreamingChannel', execution_id: d.own.executionId, conversation_id: d.own.conversationPk };
      const client = await subscribed(params);
      expect(client.received(params)[0]).toMatchObject({ subscription_type: 'execution' });
    });

    it('rejects a foreign, unknown or malformed execution', async () => {
      const client = await d.connect(owner());
      for (const id of [d.foreign.executionId, d.foreign.executionPk, UNKNOWN_UUID, 5]) expect(await client.subscribe(exec(id))).toBe('reject_subscription');
    });
  });

  describe('conversation path', () => {
    it('accepts the primary key and streams ai_streaming:conversation:<pk>', async () => {
      const client = await subscribed(conv(d.own.conversationPk));
      expect(client.streams(conv(d.own.conversationPk))).toEqual([
        `ai_streaming:conversation:${d.own.conversationPk}`, `ai_streaming:conversation:${d.own.conversationKey}`, `ai_conversation_${d.own.conversationPk}`,
      ]);
      expect(client.received(conv(d.own.conversationPk))).toEqual([
        { type: 'subscription.confirmed', subscription_type: 'conversation', conversation_id: d.own.conversationPk, timestamp: expect.stringMatching(TIMESTAMP) },
      ]);
    });

    it('accepts the conversation_id column as an alias', async () => {
      const client = await subscribed(conv(d.own.conversationKey));
      expect(client.streams(conv(d.own.conversationKey))).toEqual([
        `ai_streaming:conversation:${d.own.conversationKey}`, `ai_streaming:conversation:${d.own.conversationPk}`, `ai_conversation_${d.own.conversationPk}`,
      ]);
    });

    it('rejects a foreign conversation and a same-account user without access', async () => {
      await d.refuses(testUser(d.own.accountId, { permissions: ['system.admin'] }), conv(d.foreign.conversationPk));
      await d.refuses(identityOf(d.own.accountId, d.own.otherUserId), conv(d.own.conversationPk));
    });
  });

  it('rejects missing params and a worker identity', async () => {
    await d.refuses(owner(), { channel: 'AiStreamingChannel' }, { channel: 'AiStreamingChannel', execution_id: '', conversation_id: '' });
    await d.refuses(adminWorker(d.own.accountId), exec(d.own.executionId));
  });

  describe('broadcasts', () => {
    it('reach execution subscribers by either id and conversation subscribers', async () => {
      const byColumn = await subscribed(exec(d.own.executionId));
      const byPk = await subscribed(exec(d.own.executionPk));
      const byConversation = await subscribed(conv(d.own.conversationPk));
      // A producer sends each event to the execution (its execution_id column) and the conversation (its PK).
      const both = <I>(event: EventSpec<I>, payload: I) => async () => {
        await broadcaster(event, ExecutionStreamingStream)(d.broadcaster, { execution_id: d.own.executionId }, payload);
        await broadcaster(event, ConversationStreamingStream)(d.broadcaster, { conversation_id: d.own.conversationPk }, payload);
      };
      const frames: Array<[() => Promise<void>, Record<string, unknown>]> = [
        [both(StreamStart, { data: { stream_id: 's1', model: 'gpt' } }), { type: 'stream_start', data: { stream_id: 's1', model: 'gpt' } }],
        [both(StreamToken, { data: { stream_id: 's1', content: 'Hel', accumulated_content: 'Hel', chunk_index: 0 } }), { type: 'token', data: { stream_id: 's1', content: 'Hel', accumulated_content: 'Hel', chunk_index: 0 } }],
        [both(StreamEnd, { data: { stream_id: 's1', content: 'Hello', usage: { total_tokens: 3 }, cost: '0.0001', duration_ms: 40 } }), { type: 'stream_end', data: { stream_id: 's1', content: 'Hello', usage: { total_tokens: 3 }, cost: '0.0001', duration_ms: 40 } }],
        [both(StreamError, { data: { stream_id: 's1', error: 'cut off', partial_content: null } }), { type: 'stream_error', data: { stream_id: 's1', error: 'cut off', partial_content: null } }],
      ];
      for (const [publish, expected] of frames) {
        await publish();
        const full = { ...expected, timestamp: expect.stringMatching(TIMESTAMP) };
        expect(byColumn.last(exec(d.own.executionId))).toEqual(full);
        expect(byPk.last(exec(d.own.executionPk))).toEqual(full);
        expect(byConversation.last(conv(d.own.conversationPk))).toEqual(full);
      }
      expect(byColumn.received(exec(d.own.executionId))).toHaveLength(5);
    });

    it('translates Rails StreamingService frames into this channel shapes', async () => {
      const client = await subscribed(exec(d.own.executionId));
      const stream = `ai_execution_stream_${d.own.executionPk}`;
      const at = '2026-03-15T09:29:28Z';
      await d.server.broadcast(stream, { type: 'stream_started', data: { stream_id: 's9', agent_id: d.own.agentId }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_chunk', data: { stream_id: 's9', chunk_index: 0, content: 'a', accumulated_content: 'a', buffer_size: 1 }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_completed', data: { stream_id: 's9', full_response: 'ab', usage: { total: 2 }, cost: 0.1, duration_ms: 9 }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_error', data: { stream_id: 's9', error: 'x', partial_response: 'a' }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_progress', data: { stream_id: 's9' }, timestamp: at });
      await client.idle();
      expect(client.received(exec(d.own.executionId)).slice(1)).toEqual([
        { type: 'stream_start', data: { stream_id: 's9', agent_id: d.own.agentId }, timestamp: at },
        { type: 'token', data: { stream_id: 's9', content: 'a', accumulated_content: 'a', chunk_index: 0 }, timestamp: at },
        { type: 'stream_end', data: { stream_id: 's9', content: 'ab', usage: { total: 2 }, cost: 0.1, duration_ms: 9 }, timestamp: at },
        { type: 'stream_error', data: { stream_id: 's9', error: 'x', partial_content: 'a' }, timestamp: at },
      ]);
    });

    it("translates StreamingService's ai_conversation_<pk> frames for conversation subscribers (by PK or column) and drops the conversation channel's own events", async () => {
      const byPk = await subscribed(conv(d.own.conversationPk));
      const byColumn = await subscribed(conv(d.own.conversationKey));
      const stream = `ai_conversation_${d.own.conversationPk}`;
      const at = '2026-03-15T09:29:28Z';
      await d.server.broadcast(stream, { type: 'stream_started', data: { stream_id: 'c1', conversation_id: d.own.conversationPk }, timestamp: at });
      await d.server.broadcast(stream, { type: 'message_created', conversation_id: d.own.conversationKey, message: { id: 'm1' }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_chunk', data: { stream_id: 'c1', chunk_index: 0, content: 'Hi', accumulated_content: 'Hi' }, timestamp: at });
      await d.server.broadcast(stream, { type: 'stream_completed', data: { stream_id: 'c1', full_response: 'Hi', usage: { total: 1 }, cost: '0.01', duration_ms: 5 }, timestamp: at });
      await Promise.all([byPk.idle(), byColumn.idle()]);
      const expected = [
        { type: 'stream_start', data: { stream_id: 'c1', conversation_id: d.own.conversationPk }, timestamp: at },
        { type: 'token', data: { stream_id: 'c1', content: 'Hi', accumulated_content: 'Hi', chunk_index: 0 }, timestamp: at },
        { type: 'stream_end', data: { stream_id: 'c1', content: 'Hi', usage: { total: 1 }, cost: '0.01', duration_ms: 5 }, timestamp: at },
      ];
      expect(byPk.received(conv(d.own.conversationPk)).slice(1)).toEqual(expected);
      expect(byColumn.received(conv(d.own.conversationKey)).slice(1)).toEqual(expected);
    });
  });
});
