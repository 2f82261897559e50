// AiConversationChannel (docs/channels.md): one AI conversation the caller may open (same account AND owner, collaborative
// participant or ai.conversations.manage). `send_message` persists and broadcasts the message and queues the AI
// response through the job outbox; `typing_indicator` is broadcast to every subscriber, the sender included. Both
// need `ai.conversations.create`, the permission of Powernode's REST `send_message`.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel, permissionDenied } from '../application-channel';
import { findAccessibleConversation, type ConversationRow } from './conversation-access';
import { addUserMessage, messageErrors, SENDABLE_STATUSES } from './conversation-messages';
import {
  AiResponseQueued, CONVERSATION_EVENTS, ConversationActionError, ConversationStream, ConversationSubscriptionConfirmed, StreamingServiceStream, conversationStream,
  conversationStreamArgs, isConversationEvent, publishAiThinking, publishMessageCreated, publishTypingIndicator, serializeMessage, streamingServiceStream, type MessageRow,
} from './ai-conversation-events';
import { publishConversationUpdated, serializeListConversation } from './ai-conversations-list-events';
import { isPresent } from './ai-values';

const Params = z.looseObject({ conversation_id: z.string().min(1).max(100) });
type ConversationParams = z.infer<typeof Params>;
const SendMessage = z.looseObject({ content: z.unknown().optional() });
const TypingIndicator = z.looseObject({ typing: z.unknown().optional() });

/** The job that generates the AI reply (the original POSTed it to the worker service). */
export const AI_RESPONSE_JOB = { jobClass: 'AiConversationResponseJob', queue: 'ai_conversations' } as const;

/** Messages, AI responses and typing indicators of one conversation. */
export class AiConversationChannel extends ApplicationChannel<ConversationParams> {
  static override channel = 'AiConversationChannel';
  static override params = Params;
  static override actions = { send_message: SendMessage, typing_indicator: TypingIndicator };
  // Ai::ConversationSerialization#validate_permissions: send_message → ai.conversations.create; typing announces one.
  static override writePermissions = { send_message: 'ai.conversations.create', typing_indicator: 'ai.conversations.create' };
  static events = CONVERSATION_EVENTS;
  static streams = [ConversationStream, StreamingServiceStream];
  private conversation!: ConversationRow;

  override async subscribed(): Promise<void> {
    this.conversation = this.found(await findAccessibleConversation(this.db, this.identity, this.params.conversation_id), 'conversation');
    const own = conversationStream(this.conversation);
    const service = streamingServiceStream(this.conversation.id);
    // Participants whisper (typing, cursor) and see who has the conversation open (presence) on its own stream.
    if (own !== service) this.streamFrom(own, { whisper: true, presence: true });
    // Rails' StreamingService publishes a conversation's AI output to `ai_conversation_<pk>`. Its `stream_*`
    // frames are AiStreamingChannel's (translated there); this channel's clients cannot read them, so only this
    // channel's own event types pass (also when websocket_channel happens to be that very stream).
    this.streamFrom(service, (frame) => {
      if (isConversationEvent(frame)) this.transmit(frame);
    });
    this.transmit(eventMessage(ConversationSubscriptionConfirmed, { conversation_id: this.conversation.conversationId || this.conversation.id, timestamp: this.now() }));
  }

  async send_message(data: z.infer<typeof SendMessage>): Promise<void> {
    if (!isPresent(data.content)) return this.transmitError('Message content is required');
    const conversation = await findAccessibleConversation(this.db, this.identity, this.conversation.id);
    if (!conversation) return this.transmitError('Conversation not found');
    if (!SENDABLE_STATUSES.includes(conversation.status)) return this.transmitError('Cannot send message to this conversation');
    const errors = messageErrors(data.content);
    if (errors.length > 0) return this.transmitError(`Failed to save message: ${errors.join(', ')}`);
    const added = await addUserMessage(this.db, conversation, this.user.userId, data.content);
    this.conversation = added.conversation;
    const { conversation: c, message } = added;
    await publishMessageCreated(this.services.broadcaster, conversationStreamArgs(c), {
      conversation_id: c.conversationId, workspace: c.agentTeam?.name ?? null, message: serializeMessage(c, message),
    });
    await publishConversationUpdated(this.services.broadcaster, { account_id: added.conversation.accountId }, { conversation: serializeListConversation(added.conversation) });
    if (added.conversation.aiAgentId) await this.queueAiResponse(added.conversation, added.message);
  }

  async typing_indicator(data: z.infer<typeof TypingIndicator>): Promise<void> {
    const { userId, name, email } = this.user;
    await publishTypingIndicator(this.services.broadcaster, conversationStreamArgs(this.conversation), { user_id: userId, user_name: name || email, typing: data.typing === true });
  }

  override rescue(error: unknown, action: string): void {
    super.rescue(error, action);
    this.transmitError(action === 'send_message' ? 'Failed to send message' : 'Request failed');
  }

  /** `{type:"error", message:"Permission denied: ai.conversations.create", timestamp}`. */
  protected override refuse(_action: string, permissions: readonly string[]): void {
    this.transmitError(permissionDenied(permissions));
  }

  private async queueAiResponse(conversation: ConversationRow, message: MessageRow): Promise<void> {
    try {
      await this.services.jobs.enqueue({ accountId: conversation.accountId, ...AI_RESPONSE_JOB, args: [conversation.id, message.id, this.user.userId] });
    } catch (err) {
      this.logger.error('AI response could not be queued', { code: 'CABLE_CHANNEL_ERROR', err });
      return this.transmit(eventMessage(AiResponseQueued, { status: 'failed', error: 'AI response could not be queued', timestamp: this.now() }));
    }
    this.transmit(eventMessage(AiResponseQueued, { status: 'queued', timestamp: this.now() }));
    await publishAiThinking(this.services.broadcaster, conversationStreamArgs(conversation), {
      agent_name: conversation.agent?.name ?? 'AI Assistant', conversation_id: conversation.conversationId || conversation.id,
    });
  }

  private transmitError(message: string): void {
    this.transmit(eventMessage(ConversationActionError, { message, timestamp: this.now() }));
  }
}
