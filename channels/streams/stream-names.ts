// What `$pubsub` and `Turbo::StreamsChannel` share: turning a signed stream name into the stream to follow (or a
// reason to refuse), the internal streams no client may follow by name, and the catalog entries of both channels
// (their streams are named by the client, and what travels on them has no fixed shape).

import { z } from 'zod';
import { defineCustomEvent, stream, verifySignedStreamName, type VerifyFailure } from '../../src/channel/index';

/** Longest `stream_name` accepted (as `POST /_broadcast`). */
export const MAX_STREAM_NAME = 1024;
/** Longest `signed_stream_name` accepted (a 1 KiB name signs to about 1.4 KiB; the identifier cap applies first). */
export const MAX_SIGNED_STREAM_NAME = 8192;

/**
 * Streams the server itself uses (remote disconnects `action_cable/<id>`, `__cable_*__` positions, sessions,
 * whispers): never followed through `$pubsub` or Turbo, signed or not.
 */
export function isInternalStream(name: string): boolean {
  return name.startsWith('action_cable/') || name.startsWith('__cable_');
}

/** Why a stream subscription is refused. */
export type StreamRefusal = VerifyFailure | 'no_secret' | 'empty' | 'internal_stream';

/** The stream `signed` names under `secret`, or why it does not. */
export function verifiedStream(secret: string | undefined, signed: string): { stream: string } | { refused: StreamRefusal } {
  if (!secret) return { refused: 'no_secret' };
  const result = verifySignedStreamName(secret, signed);
  if (!result.ok) return { refused: result.reason };
  return usableStream(result.value);
}

/** `name` when a client may follow it: not empty, not internal. */
export function usableStream(name: string): { stream: string } | { refused: StreamRefusal } {
  if (name.length === 0) return { refused: 'empty' };
  if (isInternalStream(name)) return { refused: 'internal_stream' };
  return { stream: name };
}

/** A stream followed by name: the verified signed name or (public streams) the plain name itself. */
export const NamedStream = stream('{stream_name}', {
  description: 'The stream the (verified signed, or public) name names, e.g. `chat/42`; producers broadcast to it by that name.',
});

/** What a producer broadcasts to a named stream (any JSON value; the cable has no schema for it). */
export const StreamBroadcast = defineCustomEvent<unknown>({
  name: 'broadcast', key: null, delivery: ['broadcast'], streams: [NamedStream],
  summary: 'Whatever the producer broadcast (`POST /_broadcast`, ActionCable.server.broadcast), delivered unchanged: any JSON value.',
  schema: z.unknown(),
  build: (message) => message as Record<string, unknown>,
});

/** A Turbo Streams name: `Turbo::StreamsChannel.signed_stream_name(streamables)` verified (streamables joined by `:`). */
export const TurboStream = stream('{stream_name}', {
  description: 'The verified name: the streamables joined by `:` (models as their GlobalID param), e.g. `Z2lkOi8vcG93ZXJub2RlL0FjY291bnQvNDI:messages`.',
});

/** What `Turbo::StreamsChannel.broadcast_*_to` publishes: the `<turbo-stream>` HTML as a JSON string, delivered unchanged. */
export const TurboStreamBroadcast = defineCustomEvent<string>({
  name: 'turbo-stream', key: null, delivery: ['broadcast'], streams: [TurboStream],
  summary: 'The `<turbo-stream action=… target=…>` HTML Rails rendered, as a JSON string (opaque to the cable).',
  schema: z.string(),
  build: (html) => html as unknown as Record<string, unknown>,
});
