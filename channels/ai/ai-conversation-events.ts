// AiConversationChannel events (docs/channels.md), declared once in the channel catalog: the conversation streams,
// the message serializer the UI reads, and every event the channel sends. Derived publishers are kept for the three
// the channel itself sends (`message_created`, `ai_thinking`, `typing_indicator`); the others are schema-only (the
// Rails models publish them; a TypeScript producer uses `broadcaster(AiResponseComplete)` etc.).

import { z } from 'zod';
import { broadcaster, defineEvent, stream, type StreamArgs } from '../../src/channel/index';
import { iso } from '../application-channel';
import type { AiAgent, AiAgentTeam, AiConversation, AiMessage, User } from '../../src/db/prisma';
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

/**
 * The conversation's own stream: its `websocket_channel` column (Rails' default `ai_conversation_<conversation_id
 * column>`), or `ai_conversation:<pk>` when that is blank. The address is the whole name: it is a column value.
 */
export const ConversationStream = stream('{websocket_channel}', {
  description: "The conversation's websocket_channel column (default ai_conversation_<conversation_id column>), or ai_conversation:<pk> when blank. Whispers and presence are on.",
});
/** `ai_conversation_{conversation_pk}`: where Rails' StreamingService publishes a conversation's AI output. */
export const StreamingServiceStream = stream('ai_conversation_{conversation_pk}', {
  description: "Rails StreamingService's stream of one conversation; AiConversationChannel passes only its own event types from it, AiStreamingChannel translates its stream_* frames.",
});

/** The stream arguments of a conversation's own stream. */
export function conversationStreamArgs(conversation: Pick<AiConversation, 'id' | 'websocketChannel'>): StreamArgs<'{websocket_channel}'> {
  return { websocket_channel: conversation.websocketChannel || `ai_conversation:${conversation.id}` };
}

/** The conversation's stream: its `websocket_channel`, else `ai_conversation:<pk>`. */
export function conversationStream(conversation: Pick<AiConversation, 'id' | 'websocketChannel'>): string {
  return ConversationStream.name(conversationStreamArgs(conversation));
}

/** The stream Rails' StreamingService publishes a conversation's AI output to (`ai_conversation_<pk>`). */
export function streamingServiceStream(conversationPk: string): string {
  return StreamingServiceStream.name({ conversation_pk: conversationPk });
}

/** The message object of every message event. */
export const ConversationMessage = z.object({
  id: z.string(), content: z.string(), sender_type: z.string(),
  sender_info: z.object({ id: z.string().optional(), name: z.string().optional(), agent_type: z.string().optional() }),
  sequence_number: z.number(), created_at: z.string().nullable(),
  metadata: z.looseObject({
    streaming: z.boolean().optional(), tokens_used: z.number().optional(), cost_estimate: z.string().optional(), processing: z.boolean().optional(),
    error: z.boolean().optional(), error_message: z.string().optional(),
  }),
});

/** The message object of every message event. */
export function serializeMessage(conversation: ConversationRef, message: MessageRow): z.input<typeof ConversationMessage> {
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
    }) as z.input<typeof ConversationMessage>['metadata'],
  };
}

function senderInfo(conversation: ConversationRef, message: MessageRow): { id?: string; name?: string; agent_type?: string } {
  if (message.user) return { id: message.user.id, name: message.user.name || message.user.email };
  if (message.role !== 'assistant') return {};
  return compact({ id: message.agent?.id, name: message.agent?.name ?? conversation.agent?.name ?? 'AI Assistant', agent_type: message.agent?.agentType });
}

// Broadcasts (to the conversation's stream; Rails may also publish them to ai_conversation_<pk>).

const streams = [ConversationStream, StreamingServiceStream];
const messageFields = { conversation_id: z.string(), message: ConversationMessage };

/** `message_created {conversation_id, workspace (agent team name or null), message, timestamp}`. */
export const MessageCreated = defineEvent({
  name: 'message_created', delivery: ['broadcast'], streams, stamp: true,
  fields: { conversation_id: z.string(), workspace: z.string().nullable(), message: ConversationMessage },
});
/** `ai_response_streaming {conversation_id, message, timestamp}` with the partial AI message. */
export const AiResponseStreaming = defineEvent({ name: 'ai_response_streaming', delivery: ['broadcast'], streams, stamp: true, fields: messageFields });
/** `ai_response_complete {conversation_id, message, timestamp}` with the finished AI message. */
export const AiResponseComplete = defineEvent({ name: 'ai_response_complete', delivery: ['broadcast'], streams, stamp: true, fields: messageFields });
/** `message_updated {conversation_id, message, timestamp}` (e.g. its action_context changed). */
export const MessageUpdated = defineEvent({ name: 'message_updated', delivery: ['broadcast'], streams, stamp: true, fields: messageFields });
/** `error {conversation_id, message:<string>, timestamp}` to every subscriber. */
export const ConversationError = defineEvent({
  name: 'error', delivery: ['broadcast'], streams, stamp: true, summary: 'A conversation-wide failure (e.g. the provider is down).',
  fields: { conversation_id: z.string(), message: z.string() },
});
/** `status_change {conversation_id, status}` (the model's after-update broadcast; no timestamp). */
export const ConversationStatusChange = defineEvent({
  name: 'status_change', delivery: ['broadcast'], streams, summary: "The model's after-update broadcast (no timestamp).",
  fields: { conversation_id: z.string(), status: z.string() },
});
/** `ai_thinking {agent_name (or "AI Assistant"), conversation_id, timestamp}` (after an AI response is queued). */
export const AiThinking = defineEvent({
  name: 'ai_thinking', delivery: ['broadcast'], streams, stamp: true, summary: 'Sent by send_message after the AI response is queued.',
  fields: { agent_name: z.string(), conversation_id: z.string() },
});
/** `typing {conversation_id, user_id, typing}` (the model's helper; no timestamp). */
export const Typing = defineEvent({
  name: 'typing', delivery: ['broadcast'], streams, summary: "The model's helper (no timestamp).",
  fields: { conversation_id: z.string(), user_id: z.string(), typing: z.boolean() },
});
/** `typing_indicator {user_id, user_name, typing, timestamp}` (the action's broadcast; the sender receives it too). */
export const TypingIndicator = defineEvent({
  name: 'typing_indicator', delivery: ['broadcast'], streams, stamp: true, summary: 'Broadcast by the typing_indicator action (the sender receives it too).',
  fields: { user_id: z.string(), user_name: z.string(), typing: z.boolean() },
});

/** The broadcasts this channel's clients read; the only types passed from ai_conversation_<pk>. */
export const CONVERSATION_BROADCASTS = [MessageCreated, AiResponseStreaming, AiResponseComplete, MessageUpdated, ConversationError, ConversationStatusChange, AiThinking, Typing, TypingIndicator] as const;

/** The frame types of CONVERSATION_BROADCASTS (what AiConversationChannel clients read). */
export const CONVERSATION_EVENT_TYPES: ReadonlySet<string> = new Set(CONVERSATION_BROADCASTS.map((e) => e.name));

/** Whether `frame` is one of CONVERSATION_EVENT_TYPES (StreamingService's `stream_*` frames are not). */
export function isConversationEvent(frame: unknown): boolean {
  const type = typeof frame === 'object' && frame !== null ? (frame as { type?: unknown }).type : undefined;
  return typeof type === 'string' && CONVERSATION_EVENT_TYPES.has(type);
}

// Transmitted and replies.

/** On subscribe: the conversation_id column (or the PK). */
export const ConversationSubscriptionConfirmed = defineEvent({ name: 'subscription.confirmed', delivery: ['transmit'], stamp: true, fields: { conversation_id: z.string() } });
/** `send_message` on a conversation with an agent: the AI response job was queued, or the outbox refused it. */
export const AiResponseQueued = defineEvent({
  name: 'ai_response_queued', delivery: ['reply'], replyTo: ['send_message'], stamp: true,
  fields: { status: z.enum(['queued', 'failed']), error: z.string().optional() },
});
/** A refused or failed action, to the sender only. */
export const ConversationActionError = defineEvent({
  name: 'error', delivery: ['reply'], replyTo: ['send_message', 'typing_indicator'], stamp: true, fields: { message: z.string() },
});

/** `message_created` to the conversation (sent by `send_message`). */
export const publishMessageCreated = broadcaster(MessageCreated);
/** `ai_thinking` to the conversation (sent by `send_message` after queueing the AI response). */
export const publishAiThinking = broadcaster(AiThinking);
/** `typing_indicator` to the conversation (sent by the `typing_indicator` action). */
export const publishTypingIndicator = broadcaster(TypingIndicator);

/** Every AiConversationChannel event (its `static events`). */
export const CONVERSATION_EVENTS = [...CONVERSATION_BROADCASTS, ConversationSubscriptionConfirmed, AiResponseQueued, ConversationActionError] as const;
