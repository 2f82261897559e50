// AiStreamingChannel (docs/channels.md): token streaming of one agent execution (by PK or `execution_id` column) or one
// conversation (by PK or `conversation_id` column) the caller may open; the execution wins when both are given.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel, isUuid } from '../application-channel';
import { findAccessibleConversation } from './conversation-access';
import { StreamingServiceStream, streamingServiceStream } from './ai-conversation-events';
import {
  ConversationStreamingStream,
  ExecutionStreamingStream,
  STREAMING_EVENTS,
  StreamingServiceExecutionStream,
  StreamingSubscriptionConfirmed,
  conversationStreamingStream,
  executionStreamingStream,
  streamingServiceExecutionStream,
  translateStreamingServiceFrame,
} from './ai-streaming-events';

const Key = z.string().max(100).optional();
const Params = z.looseObject({ execution_id: Key, conversation_id: Key });
type StreamingParams = z.infer<typeof Params>;

/** stream_start / token / stream_end / stream_error of an execution or a conversation. */
export class AiStreamingChannel extends ApplicationChannel<StreamingParams> {
  static override channel = 'AiStreamingChannel';
  static override params = Params;
  static events = STREAMING_EVENTS;
  static streams = [ExecutionStreamingStream, ConversationStreamingStream, StreamingServiceExecutionStream, StreamingServiceStream];

  override async subscribed(): Promise<void> {
    const { execution_id: executionId, conversation_id: conversationId } = this.params;
    if (executionId) return this.subscribeToExecution(executionId);
    if (conversationId) return this.subscribeToConversation(conversationId);
    this.reject();
  }

  private async subscribeToExecution(key: string): Promise<void> {
    const where = isUuid(key) ? { OR: [{ id: key.toLowerCase() }, { executionId: key }] } : { executionId: key };
    const execution = this.found(await this.db.aiAgentExecution.findFirst({ where: { ...where, accountId: this.accountId }, select: { id: true, executionId: true } }), 'execution');
    // Subscribers and producers may name the execution either way (publishers here use the execution_id column).
    this.streamFrom(executionStreamingStream(key));
    this.streamFrom(executionStreamingStream(execution.executionId));
    this.streamFrom(executionStreamingStream(execution.id));
    this.streamFrom(streamingServiceExecutionStream(execution.id), (frame) => this.forwardStreamingService(frame));
    this.transmit(eventMessage(StreamingSubscriptionConfirmed, { subscription_type: 'execution', execution_id: key, timestamp: this.now() }));
  }

  private async subscribeToConversation(key: string): Promise<void> {
    const conversation = this.found(await findAccessibleConversation(this.db, this.identity, key), 'conversation');
    // Publishers here use the primary key; the conversation_id column works as an alias both ways.
    this.streamFrom(conversationStreamingStream(key));
    this.streamFrom(conversationStreamingStream(conversation.id));
    this.streamFrom(conversationStreamingStream(conversation.conversationId));
    // Rails' StreamingService publishes the conversation's AI output to `ai_conversation_<pk>`.
    this.streamFrom(streamingServiceStream(conversation.id), (frame) => this.forwardStreamingService(frame));
    this.transmit(eventMessage(StreamingSubscriptionConfirmed, { subscription_type: 'conversation', conversation_id: key, timestamp: this.now() }));
  }

  /** Transmit a StreamingService frame translated into this channel's shape; other frames are dropped. */
  private forwardStreamingService(frame: unknown): void {
    const translated = translateStreamingServiceFrame(frame);
    if (translated) this.transmit(translated);
  }
}
