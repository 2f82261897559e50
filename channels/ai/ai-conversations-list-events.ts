// AiConversationsListChannel events (newer fork), declared once in the channel catalog: account-scoped conversation
// created/updated/destroyed broadcasts for the chat sidebar. `publishConversationUpdated` is derived because
// AiConversationChannel's `send_message` sends it; created/destroyed are schema-only (Rails' model callbacks publish
// them; a TypeScript producer uses `broadcaster(ConversationCreated)`).

import { z } from 'zod';
import { broadcaster, defineEvent, stream } from '../../src/channel/index';
import { iso } from '../application-channel';
import type { AiAgent, AiAgentTeam, AiConversation } from '../../src/db/prisma';
import { jsonArray } from './ai-values';

/** A conversation with the agent and team the list payload names. */
export type ListConversation = AiConversation & { agent: AiAgent | null; agentTeam: AiAgentTeam | null };

/** `ai_conversations_list:account_{account_id}`. */
export const ConversationsListStream = stream('ai_conversations_list:account_{account_id}', { description: 'Conversation list changes of one account.' });

/** The account stream: `ai_conversations_list:account_<account id>`. */
export function conversationsListStream(accountId: string): string {
  return ConversationsListStream.name({ account_id: accountId });
}

/** The `conversation` object of created/updated events (and of AiOrchestrationChannel's `conversation.*`). */
export const ListConversationObject = z.object({
  id: z.string(), conversation_id: z.string(), account_id: z.string(), ai_agent_id: z.string().nullable(), title: z.string().nullable(),
  status: z.string(), message_count: z.number(), conversation_type: z.string(), pinned: z.boolean(), pinned_at: z.string().nullable(),
  tags: z.array(z.unknown()), created_at: z.string().nullable(), last_activity_at: z.string().nullable(),
  ai_agent: z.object({ id: z.string(), name: z.string(), agent_type: z.string(), is_concierge: z.boolean() }).nullable(),
  agent_team: z.object({ id: z.string(), name: z.string(), team_type: z.string() }).nullable(),
});

/** The `conversation` object of created/updated events. */
export function serializeListConversation(c: ListConversation): z.input<typeof ListConversationObject> {
  const team = c.conversationType === 'team' && c.agentTeam ? { id: c.agentTeam.id, name: c.agentTeam.name, team_type: c.agentTeam.teamType } : null;
  return {
    id: c.id,
    conversation_id: c.conversationId,
    account_id: c.accountId,
    ai_agent_id: c.aiAgentId,
    title: c.title,
    status: c.status,
    message_count: c.messageCount,
    conversation_type: c.conversationType,
    pinned: c.pinned || c.pinnedAt !== null,
    pinned_at: iso(c.pinnedAt),
    tags: jsonArray(c.tags),
    created_at: iso(c.createdAt),
    last_activity_at: iso(c.lastActivityAt),
    ai_agent: c.agent ? { id: c.agent.id, name: c.agent.name, agent_type: c.agent.agentType, is_concierge: c.agent.isConcierge } : null,
    agent_team: team,
  };
}

/** `conversation_created {conversation, timestamp}`. */
export const ConversationCreated = defineEvent({
  name: 'conversation_created', delivery: ['broadcast'], streams: [ConversationsListStream], stamp: true, fields: { conversation: ListConversationObject },
});
/** `conversation_updated {conversation, timestamp}` (also after every `send_message` of AiConversationChannel). */
export const ConversationUpdated = defineEvent({
  name: 'conversation_updated', delivery: ['broadcast'], streams: [ConversationsListStream], stamp: true, fields: { conversation: ListConversationObject },
});
/** `conversation_destroyed {conversation_id:<PK>, timestamp}`. */
export const ConversationDestroyed = defineEvent({
  name: 'conversation_destroyed', delivery: ['broadcast'], streams: [ConversationsListStream], stamp: true, fields: { conversation_id: z.string() },
});
/** On subscribe. */
export const ListSubscriptionConfirmed = defineEvent({ name: 'subscription.confirmed', delivery: ['transmit'], stamp: true, fields: {} });

/** `conversation_updated` to `{account_id}` (sent by AiConversationChannel's `send_message`). */
export const publishConversationUpdated = broadcaster(ConversationUpdated);

/** Every AiConversationsListChannel event (its `static events`). */
export const CONVERSATIONS_LIST_EVENTS = [ConversationCreated, ConversationUpdated, ConversationDestroyed, ListSubscriptionConfirmed] as const;
