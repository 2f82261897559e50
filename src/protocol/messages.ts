// Wire vocabulary of the Action Cable protocol (protocol.md §1.1, §1.3, §1.4) plus AnyCable's extended
// protocol (§3.1). Types only and frozen constants; no I/O.

/** Server message types, as Rails' ActionCable::INTERNAL[:message_types] plus the ext-protocol additions. */
export const MESSAGE_TYPES = Object.freeze({
  welcome: 'welcome',
  disconnect: 'disconnect',
  ping: 'ping',
  pong: 'pong',
  confirmation: 'confirm_subscription',
  rejection: 'reject_subscription',
  confirmHistory: 'confirm_history',
  rejectHistory: 'reject_history',
} as const);

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

/** A decoded client command. */
export type ClientCommand =
  | { command: 'subscribe'; identifier: string; history?: HistoryRequest }
  | { command: 'unsubscribe'; identifier: string }
  | { command: 'message'; identifier: string; data: string }
  | { command: 'history'; identifier: string; history: HistoryRequest }
  | { command: 'ping' }
  | { command: 'pong' };

/** The command names the server understands. */
export const COMMANDS: ReadonlySet<string> = new Set(['subscribe', 'unsubscribe', 'message', 'history', 'ping', 'pong']);
