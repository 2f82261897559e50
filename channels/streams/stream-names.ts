// What `$pubsub` and `Turbo::StreamsChannel` share: turning a signed stream name into the stream to follow (or a
// reason to refuse), and the internal streams no client may follow by name.

import { verifySignedStreamName, type VerifyFailure } from '../../src/channel/index';

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
