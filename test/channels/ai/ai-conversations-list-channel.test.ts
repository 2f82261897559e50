// AiConversationsListChannel: no params, the caller's account stream, and the created/updated/destroyed
// catalog broadcasts with the fork's conversation payload; send_message on a conversation also updates the list.

import { AiConversationChannel } from '../../../channels/ai/ai-conversation-channel';
import { AiConversationsListChannel } from '../../../channels/ai/ai-conversations-list-channel';
import { ConversationCreated, ConversationDestroyed, publishConversationUpdated, serializeListConversation, type ListConversation } from '../../../channels/ai/ai-conversations-list-events';
import { broadcaster } from '../../../src/channel/index';
import { CONVERSATION_INCLUDE } from '../../../channels/ai/conversation-access';
import { testUser } from '../../../src/testing/index';
import { adminWorker, channelSuite, TIMESTAMP } from '../../support/channel-suite';
import { identityOf, openAiDb } from './fixtures';

const d = channelSuite(openAiDb, [AiConversationsListChannel, AiConversationChannel]);

const params = { channel: 'AiConversationsListChannel' };

const subscribed = (accountId = d.own.accountId) => d.subscribed(testUser(accountId), params);

describe('AiConversationsListChannel', () => {
  describe('subscribe', () => {
    it('streams ai_conversations_list:account_<account> and confirms', async () => {
      const client = await subscribed();
      expect(client.streams(params)).toEqual([`ai_conversations_list:account_${d.own.accountId}`]);
      expect(client.received(params)).toEqual([{ type: 'subscription.confirmed', timestamp: expect.stringMatching(TIMESTAMP) }]);
    });

    it('needs no permission and accepts the own account_id', async () => {
      await d.subscribed(testUser(d.own.accountId), { ...params, account_id: d.own.accountId });
    });

    it('rejects a foreign or malformed account_id', async () => {
      await d.refuses(testUser(d.own.accountId), { ...params, account_id: d.foreign.accountId }, { ...params, account_id: 12 });
    });

    it('rejects a worker identity', async () => {
      await d.refuses(adminWorker(d.own.accountId), params);
    });
  });

  describe('broadcasts', () => {
    const load = (id: string) => d.db.aiConversation.findUniqueOrThrow({ where: { id }, include: CONVERSATION_INCLUDE });
    const to = (c: ListConversation) => [{ account_id: c.accountId }, { conversation: serializeListConversation(c) }] as const;

    it('conversation_created carries the fork payload', async () => {
      const client = await subscribed();
      await d.db.aiConversation.update({ where: { id: d.own.conversationPk }, data: { conversationType: 'team', pinnedAt: new Date('2026-03-15T10:00:00.500Z') } });
      await broadcaster(ConversationCreated)(d.broadcaster, ...to(await load(d.own.conversationPk)));
      expect(client.last(params)).toEqual({
        type: 'conversation_created',
        conversation: {
          id: d.own.conversationPk, conversation_id: d.own.conversationKey, account_id: d.own.accountId, ai_agent_id: d.own.agentId, title: 'Plan',
          status: 'active', message_count: expect.any(Number), conversation_type: 'team', pinned: true, pinned_at: '2026-03-15T10:00:00Z', tags: ['demo'],
          created_at: '2026-03-15T09:00:00Z', last_activity_at: null,
          ai_agent: { id: d.own.agentId, name: 'Own Assistant', agent_type: 'assistant', is_concierge: true },
          agent_team: { id: d.own.teamId, name: 'Own Team', team_type: 'workspace' },
        },
        timestamp: expect.stringMatching(TIMESTAMP),
      });
    });

    it('conversation_updated has no team outside team conversations and no agent when there is none', async () => {
      const client = await subscribed();
      await publishConversationUpdated(d.broadcaster, ...to(await load(d.own.agentlessConversationPk)));
      expect(client.last(params)).toMatchObject({ type: 'conversation_updated', conversation: { id: d.own.agentlessConversationPk, ai_agent: null, agent_team: null, pinned: false, tags: [] } });
    });

    it('conversation_destroyed carries the primary key', async () => {
      const client = await subscribed();
      await broadcaster(ConversationDestroyed)(d.broadcaster, { account_id: d.own.accountId }, { conversation_id: d.own.archivedConversationPk });
      expect(client.last(params)).toEqual({ type: 'conversation_destroyed', conversation_id: d.own.archivedConversationPk, timestamp: expect.stringMatching(TIMESTAMP) });
    });

    it('does not reach another account', async () => {
      const client = await subscribed(d.foreign.accountId);
      await publishConversationUpdated(d.broadcaster, ...to(await load(d.own.conversationPk)));
      expect(client.received(params)).toHaveLength(1);
    });

    it('follows send_message on a conversation of the account', async () => {
      const list = await subscribed();
      const chat = await d.connect(identityOf(d.own.accountId, d.own.ownerId, ['ai.conversations.create']));
      const conversation = { channel: 'AiConversationChannel', conversation_id: d.own.agentlessConversationPk };
      await chat.subscribe(conversation);
      await chat.perform(conversation, 'send_message', { content: 'sidebar please' });
      expect(list.last(params)).toMatchObject({ type: 'conversation_updated', conversation: { id: d.own.agentlessConversationPk, message_count: 1, last_activity_at: expect.stringMatching(TIMESTAMP) } });
    });
  });
});
