// Payloads and publishers of AiStreamingChannel (docs/channels.md): the `{type, data, timestamp}` envelope, the stream names
// of both paths, and the translation of Rails StreamingService frames (`ai_execution_stream_<pk>` and
// `ai_conversation_<pk>`).

import { isoNow } from '../application-channel';
import type { Broadcaster } from '../support/services';
import { jsonObject } from './ai-values';

/** Where a streaming event goes: the execution (its `execution_id` column) and/or the conversation (its PK). */
export interface StreamTarget {
  executionId?: string | null;
  conversationId?: string | null;
}

/** `ai_streaming:execution:<id>`. */
export function executionStreamingStream(id: string): string {
  return `ai_streaming:execution:${id}`;
}

/** `ai_streaming:conversation:<id>`. */
export function conversationStreamingStream(id: string): string {
  return `ai_streaming:conversation:${id}`;
}

/** The stream Rails' StreamingService publishes an execution's tokens to. */
export function streamingServiceExecutionStream(executionPk: string): string {
  return `ai_execution_stream_${executionPk}`;
}

async function publish(b: Broadcaster, target: StreamTarget, type: string, data: Record<string, unknown>): Promise<void> {
  const message = { type, data, timestamp: isoNow() };
  if (target.executionId) await b.broadcast(executionStreamingStream(target.executionId), message);
  if (target.conversationId) await b.broadcast(conversationStreamingStream(target.conversationId), message);
}

/** `stream_start` `{stream_id, …metadata}`. */
export function publishStreamStart(b: Broadcaster, target: StreamTarget, data: { stream_id: string } & Record<string, unknown>): Promise<void> {
  return publish(b, target, 'stream_start', data);
}

/** `token` `{stream_id, content, accumulated_content, chunk_index}`. */
export function publishToken(b: Broadcaster, target: StreamTarget, data: { stream_id: string; content: string; accumulated_content: string; chunk_index: number }): Promise<void> {
  return publish(b, target, 'token', { stream_id: data.stream_id, content: data.content, accumulated_content: data.accumulated_content, chunk_index: data.chunk_index });
}

/** `stream_end` `{stream_id, content, usage, cost, duration_ms}`. */
export function publishStreamEnd(b: Broadcaster, target: StreamTarget, data: { stream_id: string; content: string; usage: Record<string, unknown>; cost: number | string | null; duration_ms: number }): Promise<void> {
  return publish(b, target, 'stream_end', { stream_id: data.stream_id, content: data.content, usage: data.usage, cost: data.cost, duration_ms: data.duration_ms });
}

/** `stream_error` `{stream_id, error, partial_content}`. */
export function publishStreamError(b: Broadcaster, target: StreamTarget, data: { stream_id: string; error: string; partial_content?: string | null }): Promise<void> {
  return publish(b, target, 'stream_error', { stream_id: data.stream_id, error: data.error, partial_content: data.partial_content ?? null });
}

/** A frame of this channel: `{type, data, timestamp}`. */
export interface StreamingFrame {
  type: 'stream_start' | 'token' | 'stream_end' | 'stream_error';
  data: Record<string, unknown>;
  timestamp: unknown;
}

/**
 * A Rails StreamingService frame (`stream_started` / `stream_chunk` / `stream_completed` / `stream_error`, published to
 * `ai_execution_stream_<pk>` and `ai_conversation_<pk>`) in this channel's shape; null for any other frame, which
 * AiStreamingChannel clients cannot read (they read stream_start, token, stream_end, stream_error).
 */
export function translateStreamingServiceFrame(frame: unknown): StreamingFrame | null {
  const message = jsonObject(frame, {});
  const data = jsonObject(message.data);
  const timestamp = message.timestamp ?? isoNow();
  switch (message.type) {
    case 'stream_started':
      return { type: 'stream_start', data, timestamp };
    case 'stream_chunk':
      return { type: 'token', data: { stream_id: data.stream_id, content: data.content, accumulated_content: data.accumulated_content, chunk_index: data.chunk_index }, timestamp };
    case 'stream_completed':
      return { type: 'stream_end', data: { stream_id: data.stream_id, content: data.full_response, usage: data.usage, cost: data.cost, duration_ms: data.duration_ms }, timestamp };
    case 'stream_error':
      return { type: 'stream_error', data: { stream_id: data.stream_id, error: data.error, partial_content: data.partial_response ?? null }, timestamp };
    default:
      return null;
  }
}
