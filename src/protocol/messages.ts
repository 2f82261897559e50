// Wire vocabulary of the Action Cable protocol plus AnyCable's extended
// protocol. Types only and frozen constants; no I/O.

/** Disconnect reasons: Rails' four, AnyCable's token_expired and too_slow, and this server's two abuse limits. */
export const DISCONNECT_REASONS = Object.freeze({
  unauthorized: 'unauthorized',
  invalidRequest: 'invalid_request',
  serverRestart: 'server_restart',
  remote: 'remote',
  tokenExpired: 'token_expired',
  tooSlow: 'too_slow',
  tooManyConnections: 'too_many_connections',
  rateLimited: 'rate_limited',
} as const);

/** A disconnect reason value. */
export type DisconnectReason = (typeof DISCONNECT_REASONS)[keyof typeof DISCONNECT_REASONS];

/** WebSocket close codes the server uses (RFC 6455 §7.4 and the 4000–4999 private range). */
export const CLOSE_CODES = Object.freeze({
  /** Final: the client should not come back on its own (Rails' only code). */
  normal: 1000,
  /** The server is restarting or shutting down: come back. */
  goingAway: 1001,
  /** A frame broke a limit below the protocol (frame deadline). */
  policy: 1008,
  /** A frame announced more than the frame limit. */
  tooBig: 1009,
  /** Credentials could not be checked in time: come back. */
  serverError: 1011,
  /** Come back (remote disconnect with reconnect, slow consumer, expiry for plain Action Cable clients). */
  reconnect: 4000,
} as const);

/**
 * The close code that goes with a disconnect frame: the code says what `reconnect` says, for clients that read only
 * the code (Powernode's WebSocketManager reconnects on anything but 1000; its worker client ignores both).
 */
export function closeCodeFor(reason: DisconnectReason | null, reconnect: boolean): number {
  if (!reconnect) return CLOSE_CODES.normal;
  if (reason === 'server_restart') return CLOSE_CODES.goingAway;
  if (reason === null) return CLOSE_CODES.serverError;
  return CLOSE_CODES.reconnect;
}

/** The base protocol every client speaks. */
export const BASE_PROTOCOL = 'actioncable-v1-json';
/** AnyCable's extended protocol (sessions, stream positions, history). */
export const EXT_PROTOCOL = 'actioncable-v1-ext-json';
/** Selected when it is the only thing a client offers, so an incompatible client stops cleanly (Rails lists it). */
export const UNSUPPORTED_PROTOCOL = 'actioncable-unsupported';
/** Sub-protocols the server can select: the first one the client offers wins. */
export const SUBPROTOCOLS: readonly string[] = [BASE_PROTOCOL, EXT_PROTOCOL, UNSUPPORTED_PROTOCOL];

/** Per-stream position a client already has (ext protocol). */
export interface StreamPosition {
  offset: number;
  epoch: string;
}

/** History request carried by `history` or `subscribe` (ext protocol). */
export interface HistoryRequest {
  since?: number;
  streams?: Record<string, StreamPosition>;
}

/** What a client sends to join a presence set (`@anycable/core` `channel.presence.join(id, info)`). */
export interface PresenceRequest {
  id?: unknown;
  info?: unknown;
}

/** A decoded client command. */
export type ClientCommand =
  | { command: 'subscribe'; identifier: string; history?: HistoryRequest; presence?: PresenceRequest }
  | { command: 'unsubscribe'; identifier: string }
  | { command: 'message'; identifier: string; data: string }
  | { command: 'history'; identifier: string; history: HistoryRequest }
  | { command: 'whisper'; identifier: string; data: unknown }
  | { command: 'join'; identifier: string; presence: PresenceRequest }
  | { command: 'leave'; identifier: string }
  | { command: 'presence'; identifier: string }
  | { command: 'ping' }
  | { command: 'pong' };

/** The command names the server understands. */
export const COMMANDS: ReadonlySet<string> = new Set(['subscribe', 'unsubscribe', 'message', 'history', 'whisper', 'join', 'leave', 'presence', 'ping', 'pong']);

/** A presence event broadcast to a stream's subscribers (AnyCable: `{"type":"join","info":…,"id":…}`, `{"type":"leave","id":…}`). */
export type PresenceEvent = { type: 'join'; id: string; info: unknown } | { type: 'leave'; id: string };

/** One member of a presence set. */
export interface PresenceRecord {
  id: string;
  info: unknown;
}
