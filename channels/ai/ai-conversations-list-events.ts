// Payloads and publishers of AiConversationsListChannel (newer fork): account-scoped conversation
// created/updated/destroyed events for the chat sidebar.

import { iso, isoNow } from '../application-channel';
import type { AiAgent, AiAgentTeam, AiConversation } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { jsonArray } from './ai-values';

/** A conversation with the agent and team the list payload names. */
export type ListConversation = AiConversation & { agent: AiAgent | null; agentTeam: AiAgentTeam | null };

/** The account stream: `ai_conversations_list:account_<account id>`. */
export function conversationsListStream(accountId: string): string {
  return `ai_conversations_list:account_${accountId}`;
}

/** The `conversation` object of created/updated events. */
export function serializeListConversation(c: ListConversation): Record<string, unknown> {
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

async function publishListEvent(b: Broadcaster, type: string, conversation: ListConversation): Promise<void> {
  await b.broadcast(conversationsListStream(conversation.accountId), { type, conversation: serializeListConversation(conversation), timestamp: isoNow() });
}

/** `conversation_created` to the conversation's account. */
export function publishConversationCreated(b: Broadcaster, conversation: ListConversation): Promise<void> {
  return publishListEvent(b, 'conversation_created', conversation);
}

/** `conversation_updated` to the conversation's account. */
export function publishConversationUpdated(b: Broadcaster, conversation: ListConversation): Promise<void> {
  return publishListEvent(b, 'conversation_updated', conversation);
}

/** `conversation_destroyed` `{type, conversation_id:<pk>, timestamp}` to the conversation's account. */
export async function publishConversationDestroyed(b: Broadcaster, conversation: Pick<AiConversation, 'id' | 'accountId'>): Promise<void> {
  await b.broadcast(conversationsListStream(conversation.accountId), { type: 'conversation_destroyed', conversation_id: conversation.id, timestamp: isoNow() });
}
