// Who may open an AI conversation (docs/channels.md): the row must be in the caller's account (checked in
// the query), AND the caller owns it, or is a participant of a collaborative one, or holds ai.conversations.manage.

import { hasPermission, type Identity } from '../../src/auth/identity';
import type { AiAgent, AiAgentTeam, AiConversation, Db } from '../../src/db/prisma';
import { isUuid } from '../application-channel';
import { jsonArray } from './ai-values';

/** A conversation with the agent and team its payloads name. */
export type ConversationRow = AiConversation & { agent: AiAgent | null; agentTeam: AiAgentTeam | null };

/** The relations every conversation payload needs. */
export const CONVERSATION_INCLUDE = { agent: true, agentTeam: true } as const;

/** The conversation of `accountId` whose primary key, or else whose `conversation_id` column, is `key`. */
export async function findConversation(db: Db, accountId: string, key: string): Promise<ConversationRow | null> {
  if (isUuid(key)) {
    const byPk = await db.aiConversation.findFirst({ where: { id: key.toLowerCase(), accountId }, include: CONVERSATION_INCLUDE });
    if (byPk) return byPk;
  }
  return db.aiConversation.findFirst({ where: { conversationId: key, accountId }, include: CONVERSATION_INCLUDE });
}

/** `Ai::Conversation#can_access?` for an identity already known to share the conversation's account. */
export function canAccessConversation(conversation: AiConversation, identity: Identity): boolean {
  if (identity.kind !== 'user' || identity.accountId !== conversation.accountId) return false;
  if (conversation.userId === identity.userId) return true;
  if (conversation.isCollaborative && jsonArray(conversation.participants).includes(identity.userId)) return true;
  return hasPermission(identity, 'ai.conversations.manage');
}

/** The conversation named by `key` if `identity` may open it, otherwise null. */
export async function findAccessibleConversation(db: Db, identity: Identity, key: string): Promise<ConversationRow | null> {
  const conversation = await findConversation(db, identity.accountId, key);
  return conversation && canAccessConversation(conversation, identity) ? conversation : null;
}
