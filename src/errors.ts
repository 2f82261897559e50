// Named errors with stable codes. Every failure the cable can report has a code listed in ERROR_CODES,
// and README.md's error table is checked against this list by test/architecture/error-codes.test.ts.

/** Every stable error code the server uses, with a one-line description. */
export const ERROR_CODES = Object.freeze({
  CABLE_UNAUTHORIZED: 'Connection rejected: missing, invalid, expired or revoked credentials',
  CABLE_TOKEN_EXPIRED: 'An open connection reached its token expiry and was closed',
  CABLE_AUTH_UNAVAILABLE: 'Credentials could not be checked (database or blacklist unreachable); the client may retry',
  CABLE_MALFORMED_COMMAND: 'A client frame was not a JSON object with a string command',
  CABLE_UNKNOWN_COMMAND: 'A client frame named a command the server does not know',
  CABLE_MESSAGE_TOO_BIG: 'A client frame announced more than CABLE_MAX_FRAME_BYTES (CABLE_MAX_PREAUTH_FRAME_BYTES before the welcome); refused from its header, socket closed with 1009',
  CABLE_FRAME_TIMEOUT: 'A client started a frame and did not finish it within CABLE_FRAME_TIMEOUT_MS; the socket was closed',
  CABLE_HANDSHAKE_TIMEOUT: 'A TCP connection did not complete its HTTP request (upgrade) within CABLE_HANDSHAKE_TIMEOUT_MS; it was closed',
  CABLE_AUTH_TIMEOUT: 'Authentication did not finish within CABLE_AUTH_TIMEOUT_MS; the socket was closed (the client may retry)',
  CABLE_UPGRADE_THROTTLED: 'A client address exceeded CABLE_UPGRADE_RATE_PER_IP or CABLE_MAX_CONNECTIONS_PER_IP; the upgrade was refused with 429',
  CABLE_TOO_MANY_CONNECTIONS: 'A user or worker already holds CABLE_MAX_CONNECTIONS_PER_USER sockets on this node',
  CABLE_JSON_TOO_DEEP: 'A frame, identifier, action data or /_broadcast body nested JSON deeper than CABLE_MAX_JSON_DEPTH',
  CABLE_RATE_LIMITED: 'A connection sent commands faster than CABLE_COMMAND_RATE (burst CABLE_COMMAND_BURST); the excess was dropped',
  CABLE_TOO_MANY_STREAMS: 'A subscription would take its connection above CABLE_MAX_STREAMS streams',
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
  CABLE_PUBSUB_UNAVAILABLE: 'The pub/sub backend is unreachable or could not subscribe a stream',
  CABLE_MALFORMED_PAYLOAD: 'A broadcast payload from pub/sub was not JSON and was dropped (Rails drops it too)',
  CABLE_SUBSCRIPTION_REFUSED: 'A channel refused a subscription (wrong identity kind, missing permission, a resource of another account)',
  CABLE_NOT_FOUND: 'A resource named by params or action data does not exist in the caller account',
  CABLE_ACTION_REFUSED: 'An action was refused for a reason the client caused (missing permission, invalid state or input); the channel answered with its error frame',
  CABLE_TRANSIENT_REFUSED: 'A whisper or presence command was ignored: its subscription has no whisper or presence stream, the data was larger than 4 KiB, or the channel refused the presence',
  CABLE_LOG_SUPPRESSED: 'A connection logged more than 20 warn (or error) lines within 10 s; the rest were counted, not written',
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
  constructor(code: 'CABLE_MALFORMED_COMMAND' | 'CABLE_UNKNOWN_COMMAND' | 'CABLE_INVALID_IDENTIFIER' | 'CABLE_JSON_TOO_DEEP', message?: string) {
    super(code, message);
    this.name = 'ProtocolError';
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

/**
 * A failure the client caused (refused permission, invalid state, bad input): logged at warn without a stack trace,
 * since it is not a server fault. Channels extend it for their own error frames.
 */
export class ClientError extends CableError {
  constructor(message: string, code: ErrorCode = 'CABLE_ACTION_REFUSED') {
    super(code, message, true);
    this.name = 'ClientError';
  }
}

/** Codes of failures a client causes by what it sends (warn, no stack); everything else is a server fault (error). */
const CLIENT_FAULTS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CABLE_PARAMS_INVALID', 'CABLE_NOT_FOUND', 'CABLE_UNKNOWN_ACTION', 'CABLE_TOO_MANY_STREAMS', 'CABLE_JSON_TOO_DEEP',
  'CABLE_ACTION_REFUSED', 'CABLE_INVALID_IDENTIFIER', 'CABLE_MALFORMED_COMMAND',
]);

/** Whether `err` was caused by the client's input rather than by the server. */
export function isClientFault(err: unknown): boolean {
  return err instanceof CableError && CLIENT_FAULTS.has(err.code);
}

/** A resource named by the client does not exist in the caller's account (or is not visible to it). */
export class NotFoundError extends CableError {
  constructor(message = 'not found') {
    super('CABLE_NOT_FOUND', message, true);
    this.name = 'NotFoundError';
  }
}

/** A subscription asked for more streams than its connection may hold (CABLE_MAX_STREAMS). */
export class TooManyStreamsError extends CableError {
  constructor(limit: number) {
    super('CABLE_TOO_MANY_STREAMS', `connection already holds ${limit} streams`, true);
    this.name = 'TooManyStreamsError';
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

/** The stable code of a thrown value: its own for a CableError, CABLE_CHANNEL_ERROR for anything else. */
export function codeOf(err: unknown): ErrorCode {
  return err instanceof CableError ? err.code : 'CABLE_CHANNEL_ERROR';
}

/** The message of an unknown thrown value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
