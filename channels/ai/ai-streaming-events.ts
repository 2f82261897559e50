// AiStreamingChannel events (docs/channels.md), declared once in the channel catalog: the `{type, data, timestamp}`
// envelope of stream_start / token / stream_end / stream_error, the stream names of both paths, and the translation
// of Rails StreamingService frames (`ai_execution_stream_<pk>` and `ai_conversation_<pk>`). The broadcasts are
// schema-only (nothing in this server produces tokens): a TypeScript producer derives its publisher with
// `broadcaster(StreamToken, ExecutionStreamingStream)` and/or `broadcaster(StreamToken, ConversationStreamingStream)`.

import { z } from 'zod';
import { defineEvent, stream } from '../../src/channel/index';
import { isoNow } from '../application-channel';
import { jsonObject } from './ai-values';

/** `ai_streaming:execution:{execution_id}` (the execution_id column, the PK, or the id as a subscriber sent it). */
export const ExecutionStreamingStream = stream('ai_streaming:execution:{execution_id}', { description: "Tokens of one agent execution (publishers use the execution_id column; subscribers also stream the PK and the id they sent)." });
/** `ai_streaming:conversation:{conversation_id}` (the PK; the conversation_id column is streamed too). */
export const ConversationStreamingStream = stream('ai_streaming:conversation:{conversation_id}', { description: 'Tokens of one conversation (publishers use the PK; subscribers also stream the conversation_id column).' });
/** `ai_execution_stream_{execution_pk}`: Rails' StreamingService output, translated before transmission. */
export const StreamingServiceExecutionStream = stream('ai_execution_stream_{execution_pk}', { description: "Rails StreamingService's frames of one execution; translated into this channel's events and transmitted." });

/** `ai_streaming:execution:<id>`. */
export function executionStreamingStream(id: string): string {
  return ExecutionStreamingStream.name({ execution_id: id });
}

/** `ai_streaming:conversation:<id>`. */
export function conversationStreamingStream(id: string): string {
  return ConversationStreamingStream.name({ conversation_id: id });
}

/** The stream Rails' StreamingService publishes an execution's tokens to. */
export function streamingServiceExecutionStream(executionPk: string): string {
  return StreamingServiceExecutionStream.name({ execution_pk: executionPk });
}

const streams = [ExecutionStreamingStream, ConversationStreamingStream];
const delivery = ['broadcast', 'transmit'] as const;
const translated = 'Also transmitted when translated from a StreamingService frame';

/** `stream_start {data:{stream_id, …metadata}, timestamp}`. */
export const StreamStart = defineEvent({
  name: 'stream_start', delivery, streams, stamp: true, summary: `A stream began. ${translated} (\`stream_started\`).`,
  fields: { data: z.looseObject({ stream_id: z.string() }) },
});
/** `token {data:{stream_id, content, accumulated_content, chunk_index}, timestamp}`. */
export const StreamToken = defineEvent({
  name: 'token', delivery, streams, stamp: true, summary: `One chunk. ${translated} (\`stream_chunk\`).`,
  fields: { data: z.object({ stream_id: z.string(), content: z.string(), accumulated_content: z.string(), chunk_index: z.number() }) },
});
/** `stream_end {data:{stream_id, content, usage, cost, duration_ms}, timestamp}`. */
export const StreamEnd = defineEvent({
  name: 'stream_end', delivery, streams, stamp: true, summary: `The stream finished. ${translated} (\`stream_completed\`, content = full_response).`,
  fields: {
    data: z.object({ stream_id: z.string(), content: z.string(), usage: z.record(z.string(), z.unknown()), cost: z.union([z.number(), z.string()]).nullable(), duration_ms: z.number() }),
  },
});
/** `stream_error {data:{stream_id, error, partial_content}, timestamp}`. */
export const StreamError = defineEvent({
  name: 'stream_error', delivery, streams, stamp: true, summary: `The stream failed. ${translated} (partial_content = partial_response).`,
  fields: { data: z.object({ stream_id: z.string(), error: z.string(), partial_content: z.string().nullable() }) },
});

/** On subscribe: which path, and the id as sent. */
export const StreamingSubscriptionConfirmed = defineEvent({
  name: 'subscription.confirmed', delivery: ['transmit'], stamp: true,
  fields: { subscription_type: z.enum(['execution', 'conversation']), execution_id: z.string().optional(), conversation_id: z.string().optional() },
});

/** Every AiStreamingChannel event (its `static events`). */
export const STREAMING_EVENTS = [StreamStart, StreamToken, StreamEnd, StreamError, StreamingSubscriptionConfirmed] as const;

/**
 * A Rails StreamingService frame (`stream_started` / `stream_chunk` / `stream_completed` / `stream_error`, published to
 * `ai_execution_stream_<pk>` and `ai_conversation_<pk>`) in this channel's shape; null for any other frame, which
 * AiStreamingChannel clients cannot read (they read stream_start, token, stream_end, stream_error). Built from the
 * catalog events without validation: the values are Rails', relayed as they came.
 */
export function translateStreamingServiceFrame(frame: unknown): Record<string, unknown> | null {
  const message = jsonObject(frame, {});
  const data = jsonObject(message.data);
  const timestamp = (message.timestamp ?? isoNow()) as string;
  switch (message.type) {
    case 'stream_started':
      return StreamStart.build({ data: data as { stream_id: string }, timestamp });
    case 'stream_chunk':
      return StreamToken.build({ data: { stream_id: data.stream_id, content: data.content, accumulated_content: data.accumulated_content, chunk_index: data.chunk_index } as never, timestamp });
    case 'stream_completed':
      return StreamEnd.build({ data: { stream_id: data.stream_id, content: data.full_response, usage: data.usage, cost: data.cost, duration_ms: data.duration_ms } as never, timestamp });
    case 'stream_error':
      return StreamError.build({ data: { stream_id: data.stream_id, error: data.error, partial_content: data.partial_response ?? null } as never, timestamp });
    default:
      return null;
  }
}
