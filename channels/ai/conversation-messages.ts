// Writing a user message into a conversation (Ai::Conversation#add_message): the next sequence number, the
// message row, and the conversation's message_count / last_activity_at, in one transaction.

import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/prisma';
import { CONVERSATION_INCLUDE, type ConversationRow } from './conversation-access';
import { MESSAGE_INCLUDE, type MessageRow } from './ai-conversation-events';

/** Statuses in which a conversation takes new messages (`can_send_message?`). */
export const SENDABLE_STATUSES: readonly string[] = ['active', 'paused'];
/** Longest message content accepted (a guard the original lacks; a frame may carry up to 1 MiB). */
export const MAX_MESSAGE_CHARS = 100_000;
const ATTEMPTS = 3;

/** A saved message and the conversation as it is after the write. */
export interface AddedMessage {
  message: MessageRow;
  conversation: ConversationRow;
}

/** The validation errors of `content` (Rails `errors.full_messages`), empty when it may be saved. */
export function messageErrors(content: string): string[] {
  return content.length > MAX_MESSAGE_CHARS ? [`Content is too long (maximum is ${MAX_MESSAGE_CHARS} characters)`] : [];
}

/** Persist `content` as the user's next message; retries when a concurrent writer took the sequence number. */
export async function addUserMessage(db: Db, conversation: ConversationRow, userId: string, content: string): Promise<AddedMessage> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeMessage(db, conversation, userId, content);
    } catch (err) {
      if (attempt >= ATTEMPTS || !isUniqueViolation(err)) throw err;
    }
  }
}

async function writeMessage(db: Db, conversation: ConversationRow, userId: string, content: string): Promise<AddedMessage> {
  return db.$transaction(async (tx) => {
    const last = await tx.aiMessage.aggregate({ where: { aiConversationId: conversation.id }, _max: { sequenceNumber: true } });
    const message = await tx.aiMessage.create({
      data: {
        aiConversationId: conversation.id,
        messageId: randomUUID(),
        role: 'user',
        content,
        sequenceNumber: (last._max.sequenceNumber ?? 0) + 1,
        userId,
        aiAgentId: conversation.aiAgentId,
      },
      include: MESSAGE_INCLUDE,
    });
    const updated = await tx.aiConversation.update({
      where: { id: conversation.id },
      data: { messageCount: { increment: 1 }, lastActivityAt: new Date() },
      include: CONVERSATION_INCLUDE,
    });
    return { message, conversation: updated };
  });
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
