// Signed stream names, as AnyCable's signed streams and Turbo's `signed_stream_name` make them: Rails
// ActiveSupport::MessageVerifier with digest SHA256 and the JSON serializer, i.e.
// `base64(JSON(value)) + "--" + hex(HMAC-SHA256(secret, base64 part))`. Pure: node:crypto only.

import { createHmac, timingSafeEqual } from 'node:crypto';

const SEPARATOR = '--';
/** Length of a hex SHA-256 digest. */
const DIGEST_LENGTH = 64;
/** Strict (padded, standard alphabet) base64, as Ruby's `Base64.strict_decode64` and Go's `StdEncoding` accept. */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Longest signed text looked at (far above any identifier the cable accepts). */
const MAX_SIGNED_LENGTH = 64 * 1024;

/** Why a signed message did not verify. */
export type VerifyFailure = 'malformed' | 'bad_digest' | 'bad_payload' | 'not_a_string';

/** The outcome of verifying a signed message. */
export type Verified<T> = { ok: true; value: T } | { ok: false; reason: VerifyFailure };

/** Hex HMAC-SHA256 of `data` keyed with `secret` (Rails `generate_digest`). */
function digestOf(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/**
 * Rails `MessageVerifier#generate` (SHA256, JSON serializer): sign any JSON value.
 * @example signMessage(secret, 'chat/42') // 'ImNoYXQvNDIi--<64 hex digits>'
 */
export function signMessage(secret: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('signMessage: the value has no JSON representation');
  const encoded = Buffer.from(json, 'utf8').toString('base64');
  return `${encoded}${SEPARATOR}${digestOf(secret, encoded)}`;
}

/** Rails `MessageVerifier#verified` (SHA256, JSON serializer): the decoded value when the digest matches. */
export function verifyMessage(secret: string, signed: unknown): Verified<unknown> {
  if (typeof signed !== 'string' || signed.length > MAX_SIGNED_LENGTH) return { ok: false, reason: 'malformed' };
  const at = signed.length - DIGEST_LENGTH - SEPARATOR.length;
  if (at <= 0 || signed.slice(at, at + SEPARATOR.length) !== SEPARATOR) return { ok: false, reason: 'malformed' };
  const encoded = signed.slice(0, at);
  const given = Buffer.from(signed.slice(at + SEPARATOR.length), 'utf8');
  const expected = Buffer.from(digestOf(secret, encoded), 'utf8');
  // Both are compared whole and in constant time; a digest of another length (multi-byte text) is simply wrong.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_digest' };
  if (!STRICT_BASE64.test(encoded)) return { ok: false, reason: 'bad_payload' };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'bad_payload' };
  }
}

/**
 * Sign a stream name for `{"channel":"$pubsub","signed_stream_name":…}` (AnyCable `AnyCable::Streams.signed`) or, with
 * the Turbo verifier key, for `Turbo::StreamsChannel` (Turbo `signed_stream_name`).
 */
export function signStreamName(secret: string, stream: string): string {
  return signMessage(secret, stream);
}

/** The stream name a signed name carries, when its digest matches `secret` and the signed value is a string. */
export function verifySignedStreamName(secret: string, signed: unknown): Verified<string> {
  const result = verifyMessage(secret, signed);
  if (!result.ok) return result;
  return typeof result.value === 'string' ? { ok: true, value: result.value } : { ok: false, reason: 'not_a_string' };
}
