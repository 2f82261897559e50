// Named errors with stable codes. Every failure the cable can report has a code listed in ERROR_CODES,
// and README.md's error table is checked against this list by test/architecture/error-codes.test.ts.

/** Every stable error code the server uses, with a one-line description. */
export const ERROR_CODES = Object.freeze({
  CABLE_UNAUTHORIZED: 'Connection rejected: missing, invalid, expired or revoked credentials',
  CABLE_TOKEN_EXPIRED: 'An open connection reached its token expiry and was closed',
  CABLE_AUTH_UNAVAILABLE: 'Credentials could not be checked (database or blacklist unreachable); the client may retry',
  CABLE_MALFORMED_COMMAND: 'A client frame was not a JSON object with a string command',
  CABLE_UNKNOWN_COMMAND: 'A client frame named a command the server does not know',
  CABLE_FRAME_TOO_LARGE: 'A client frame exceeded CABLE_MAX_FRAME_BYTES and was dropped',
  CABLE_MESSAGE_TOO_BIG: 'A client frame exceeded the hard cap max(4 × CABLE_MAX_FRAME_BYTES, 16 MiB); the socket was closed with 1009',
  CABLE_SOCKET_ERROR: 'The client broke the WebSocket protocol (e.g. invalid UTF-8 text, bad framing) or the socket failed; it was closed',
  CABLE_BINARY_FRAME: 'A binary frame was received; only text frames are processed',
  CABLE_CHANNEL_NOT_FOUND: 'subscribe named a channel that is not registered',
  CABLE_ALREADY_SUBSCRIBED: 'subscribe repeated an identifier that is already subscribed',
  CABLE_UNKNOWN_SUBSCRIPTION: 'message/unsubscribe/history named an identifier that is not subscribed',
  CABLE_INVALID_IDENTIFIER: 'The identifier was not a JSON object with a string channel, or longer than CABLE_MAX_IDENTIFIER_BYTES',
  CABLE_TOO_MANY_SUBSCRIPTIONS: 'A connection already holds CABLE_MAX_SUBSCRIPTIONS subscriptions',
  CABLE_BACKPRESSURE: 'A connection queued CABLE_MAX_PENDING_COMMANDS commands; reading from it pauses until they drain',
  CABLE_PARAMS_INVALID: 'Subscription params or action data failed the channel schema',
  CABLE_UNKNOWN_ACTION: 'message named an action that is not in the channel action table',
  CABLE_CHANNEL_ERROR: 'A channel hook or action threw',
  CABLE_SLOW_CONSUMER: 'A socket send buffer passed CABLE_MAX_BUFFERED_BYTES and the socket was closed',
  CABLE_BROADCAST_FAILED: 'The pub/sub adapter could not accept a broadcast',
  CABLE_PUBSUB_UNAVAILABLE: 'The pub/sub adapter could not subscribe a stream (backend unreachable)',
  CABLE_NOT_FOUND: 'A resource named by params or action data does not exist in the caller account',
  CONFIG_INVALID: 'An environment variable failed validation at boot',
} as const);

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class: a code for logs and tests, and whether the message may be shown to clients. */
export class CableError extends Error {
  readonly code: ErrorCode;
  readonly expose: boolean;
  constructor(code: ErrorCode, message: string = ERROR_CODES[code], expose = false) {
    super(message);
    this.name = 'CableError';
    this.code = code;
    this.expose = expose;
  }
}

/** The connection must be rejected with the unauthorized disconnect frame. */
export class UnauthorizedError extends CableError {
  constructor(readonly reason: string) {
    super('CABLE_UNAUTHORIZED', `unauthorized: ${reason}`);
    this.name = 'UnauthorizedError';
  }
}

/** Authentication could not be completed because its data could not be read (fails closed, but retryable). */
export class AuthUnavailableError extends CableError {
  constructor(detail?: string) {
    super('CABLE_AUTH_UNAVAILABLE', withDetail(ERROR_CODES.CABLE_AUTH_UNAVAILABLE, detail));
    this.name = 'AuthUnavailableError';
  }
}

/** A client frame could not be understood (logged, never answered). */
export class ProtocolError extends CableError {
  constructor(code: 'CABLE_MALFORMED_COMMAND' | 'CABLE_UNKNOWN_COMMAND' | 'CABLE_INVALID_IDENTIFIER', message?: string) {
    super(code, message);
    this.name = 'ProtocolError';
  }
}

/** A subscription-level failure (unknown channel, duplicate, unknown identifier). */
export class SubscriptionError extends CableError {
  constructor(code: 'CABLE_CHANNEL_NOT_FOUND' | 'CABLE_ALREADY_SUBSCRIBED' | 'CABLE_UNKNOWN_SUBSCRIPTION', message?: string) {
    super(code, message);
    this.name = 'SubscriptionError';
  }
}

/** Params or action data failed validation; issues carry paths and messages only, never values. */
export class ParamsInvalidError extends CableError {
  constructor(readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super('CABLE_PARAMS_INVALID', `invalid params: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'ParamsInvalidError';
  }
}

/** The action is not in the channel's action table. */
export class ActionNotFoundError extends CableError {
  constructor(readonly channel: string, readonly action: string) {
    super('CABLE_UNKNOWN_ACTION', `Unable to process ${channel}#${action}`);
    this.name = 'ActionNotFoundError';
  }
}

/** A resource named by the client does not exist in the caller's account (or is not visible to it). */
export class NotFoundError extends CableError {
  constructor(message = 'not found') {
    super('CABLE_NOT_FOUND', message, true);
    this.name = 'NotFoundError';
  }
}

/** The pub/sub backend could not take a broadcast. */
export class BroadcastFailedError extends CableError {
  constructor(detail?: string) {
    super('CABLE_BROADCAST_FAILED', withDetail(ERROR_CODES.CABLE_BROADCAST_FAILED, detail));
    this.name = 'BroadcastFailedError';
  }
}

/** The pub/sub backend could not subscribe a stream (the subscription is rejected). */
export class PubSubUnavailableError extends CableError {
  constructor(detail?: string) {
    super('CABLE_PUBSUB_UNAVAILABLE', withDetail(ERROR_CODES.CABLE_PUBSUB_UNAVAILABLE, detail));
    this.name = 'PubSubUnavailableError';
  }
}

function withDetail(base: string, detail: string | undefined): string {
  return detail ? `${base}: ${detail}` : base;
}

/** The message of an unknown thrown value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
