// Payloads and publishers of AiConversationChannel (docs/channels.md): the conversation stream name, the message
// serializer the UI reads, and one publisher per event the channel documents.

import { isoNow, iso } from '../application-channel';
import type { AiAgent, AiAgentTeam, AiConversation, AiMessage, User } from '../../src/db/prisma';
import type { Broadcaster } from '../support/services';
import { compact, decimalString, jsonObject } from './ai-values';

/** What a conversation publisher needs of the conversation. */
export type ConversationRef = Pick<AiConversation, 'id' | 'conversationId' | 'websocketChannel'> & {
  agent?: Pick<AiAgent, 'name'> | null;
  agentTeam?: Pick<AiAgentTeam, 'name'> | null;
};

/** A message with the user and agent its `sender_info` names. */
export type MessageRow = AiMessage & { user: Pick<User, 'id' | 'name' | 'email'> | null; agent: Pick<AiAgent, 'id' | 'name' | 'agentType'> | null };

/** The relations `serializeMessage` needs. */
export const MESSAGE_INCLUDE = { user: { select: { id: true, name: true, email: true } }, agent: { select: { id: true, name: true, agentType: true } } } as const;

/** content_metadata keys copied into a message's `metadata` when present (the fork adds cards and a2ui_surface). */
const CONTENT_KEYS = ['actions', 'action_context', 'concierge_action', 'action_params', 'mentions', 'cards', 'a2ui_surface'];
const SENDER_TYPES: Record<string, string> = { user: 'user', assistant: 'ai', system: 'system' };

/** The conversation's stream: its `websocket_channel`, else `ai_conversation:<pk>`. */
export function conversationStream(conversation: Pick<AiConversation, 'id' | 'websocketChannel'>): string {
  return conversation.websocketChannel || `ai_conversation:${conversation.id}`;
}

/** The stream Rails' StreamingService publishes a conversation's AI output to (`ai_conversation_<pk>`). */
export function streamingServiceStream(conversationPk: string): string {
  return `ai_conversation_${conversationPk}`;
}

/** The frame types this channel's publishers send (what AiConversationChannel clients read). */
export const CONVERSATION_EVENT_TYPES: ReadonlySet<string> = new Set([
  'message_created', 'ai_response_streaming', 'ai_response_complete', 'message_updated', 'error', 'status_change', 'ai_thinking', 'typing', 'typing_indicator',
]);

/** Whether `frame` is one of CONVERSATION_EVENT_TYPES (StreamingService's `stream_*` frames are not). */
export function isConversationEvent(frame: unknown): boolean {
  const type = typeof frame === 'object' && frame !== null ? (frame as { type?: unknown }).type : undefined;
  return typeof type === 'string' && CONVERSATION_EVENT_TYPES.has(type);
}

/** The message object of every message event. */
export function serializeMessage(conversation: ConversationRef, message: MessageRow): Record<string, unknown> {
  const content = jsonObject(message.metadata);
  const extras = Object.fromEntries(CONTENT_KEYS.map((k) => [k, content[k]]));
  return {
    id: message.messageId || message.id,
    content: message.content,
    sender_type: SENDER_TYPES[message.role] ?? message.role,
    sender_info: senderInfo(conversation, message),
    sequence_number: message.sequenceNumber,
    created_at: iso(message.createdAt),
    metadata: compact({
      streaming: false,
      tokens_used: message.tokensUsed,
      cost_estimate: decimalString(message.costEstimate),
      processing: message.status === 'processing',
      error: message.status === 'failed',
      error_message: message.errorMessage,
      ...extras,
    }),
  };
}

function senderInfo(conversation: ConversationRef, message: MessageRow): Record<string, unknown> {
  if (message.user) return { id: message.user.id, name: message.user.name || message.user.email };
  if (message.role !== 'assistant') return {};
  return compact({ id: message.agent?.id, name: message.agent?.name ?? conversation.agent?.name ?? 'AI Assistant', agent_type: message.agent?.agentType });
}

async function publishMessageEvent(b: Broadcaster, type: string, conversation: ConversationRef, message: MessageRow): Promise<void> {
  const payload = { type, conversation_id: conversation.conversationId, message: serializeMessage(conversation, message), timestamp: isoNow() };
  await b.broadcast(conversationStream(conversation), payload);
}

/** `message_created` `{type, conversation_id, workspace, message, timestamp}`. */
export async function publishMessageCreated(b: Broadcaster, conversation: ConversationRef, message: MessageRow): Promise<void> {
  const payload = {
    type: 'message_created',
    conversation_id: conversation.conversationId,
    workspace: conversation.agentTeam?.name ?? null,
    message: serializeMessage(conversation, message),
    timestamp: isoNow(),
  };
  await b.broadcast(conversationStream(conversation), payload);
}

/** `ai_response_streaming` with the partial AI message. */
export function publishAiResponseStreaming(b: Broadcaster, conversation: ConversationRef, message: MessageRow): Promise<void> {
  return publishMessageEvent(b, 'ai_response_streaming', conversation, message);
}

/** `ai_response_complete` with the finished AI message. */
export function publishAiResponseComplete(b: Broadcaster, conversation: ConversationRef, message: MessageRow): Promise<void> {
  return publishMessageEvent(b, 'ai_response_complete', conversation, message);
}

/** `message_updated` (e.g. its action_context changed). */
export function publishMessageUpdated(b: Broadcaster, conversation: ConversationRef, message: MessageRow): Promise<void> {
  return publishMessageEvent(b, 'message_updated', conversation, message);
}

/** `error` `{type, conversation_id, message:<string>, timestamp}` to every subscriber. */
export async function publishConversationError(b: Broadcaster, conversation: ConversationRef, errorMessage: string): Promise<void> {
  await b.broadcast(conversationStream(conversation), { type: 'error', conversation_id: conversation.conversationId, message: errorMessage, timestamp: isoNow() });
}

/** `status_change` `{type, conversation_id, status}` (the model's after-update broadcast; it carries no timestamp). */
export async function publishConversationStatusChange(b: Broadcaster, conversation: ConversationRef & Pick<AiConversation, 'status'>): Promise<void> {
  await b.broadcast(conversationStream(conversation), { type: 'status_change', conversation_id: conversation.conversationId, status: conversation.status });
}

/** `ai_thinking` `{type, agent_name, conversation_id, timestamp}` (the fork, after an AI response is queued). */
export async function publishAiThinking(b: Broadcaster, conversation: ConversationRef): Promise<void> {
  const payload = { type: 'ai_thinking', agent_name: conversation.agent?.name ?? 'AI Assistant', conversation_id: conversation.conversationId || conversation.id, timestamp: isoNow() };
  await b.broadcast(conversationStream(conversation), payload);
}

/** `typing` `{type, conversation_id, user_id, typing}` (the model's helper; no timestamp). */
export async function publishTyping(b: Broadcaster, conversation: ConversationRef, userId: string, typing: boolean): Promise<void> {
  await b.broadcast(conversationStream(conversation), { type: 'typing', conversation_id: conversation.conversationId, user_id: userId, typing });
}

/** `typing_indicator` `{type, user_id, user_name, typing, timestamp}` (the channel action's broadcast). */
export async function publishTypingIndicator(b: Broadcaster, conversation: ConversationRef, user: { id: string; name: string; email: string }, typing: boolean): Promise<void> {
  await b.broadcast(conversationStream(conversation), { type: 'typing_indicator', user_id: user.id, user_name: user.name || user.email, typing, timestamp: isoNow() });
}
