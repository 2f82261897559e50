// The seams of a connection: the socket it writes to (Transport), the shared services it is built with
// (ConnectionDeps), and the narrow interfaces of the metrics and per-identity cap it reports to. Types only.

import type { ChannelRegistry } from '../channel/registry';
import type { HistoryReader } from '../broker/broker';
import type { SessionStore } from '../broker/sessions';
import type { PresenceStore } from '../broker/presence';
import type { FrameRun, Hub, PreparedFrame } from '../hub/hub';
import type { Logger } from '../log/logger';
import type { PubSubAdapter } from '../pubsub/adapter';
import type { SupersedableSession } from './live-sessions';

/** The socket as the connection sees it (implemented in src/server over `ws`). */
export interface Transport {
  /** Negotiated sub-protocol, '' when none. */
  readonly protocol: string;
  /** Bytes queued in the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(text: string): void;
  sendFrame(frame: PreparedFrame): void;
  /** Write every frame of `run` in one write (optional: without it the frames are sent one by one). */
  sendRun?(run: FrameRun): void;
  close(code: number): void;
  /** Stop reading client frames (backpressure) / read again. */
  pause(): void;
  resume(): void;
  /** Largest client frame accepted from now on (small until the welcome, CABLE_MAX_FRAME_BYTES after). */
  setFrameLimit?(bytes: number): void;
}

/** What a connection reports for metrics (implemented by src/metrics/metrics.ts). */
export interface ConnectionMetrics {
  command(type: string): void;
  /** A warn (client-caused) or error (server fault) line with its code. */
  problem(level: 'warn' | 'error', code: string): void;
  authFailed(reason: string): void;
  authTime(seconds: number): void;
  disconnected(reason: string): void;
  broadcast(source: 'channel'): void;
  subscribed(channel: string, seconds: number): void;
  subscriptionRejected(channel: string, seconds: number, who?: string): void;
  unsubscribed(channel: string): void;
}

/** Concurrent sockets per identity (CABLE_MAX_CONNECTIONS_PER_USER), shared by the connections of a server. */
export interface IdentityCap {
  /** Count one more socket of `key`; false when it already holds the maximum. */
  acquire(key: string): boolean;
  release(key: string): void;
}

/** Per-connection bounds (absent: unbounded, for harnesses). */
export interface ConnectionLimits {
  maxSubscriptions: number;
  maxIdentifierBytes: number;
  maxPendingCommands: number;
  maxStreams?: number;
  maxJsonDepth?: number;
}

/** What an open socket gets at token expiry (CABLE_TOKEN_EXPIRY). */
export type ExpiryPolicy = 'refresh' | 'close' | 'never';

/** Open ext-protocol sessions by sid (live-sessions.ts), as a connection uses them. */
export interface SessionRegistry<C> {
  get(sid: string): C | undefined;
  set(sid: string, session: C): unknown;
  delete(sid: string): boolean;
  announce(sid: string, identity: import('../auth/identity').Identity): void;
}

/** Shared services every connection of a server uses. */
export interface ConnectionDeps<S, C extends SupersedableSession = SupersedableSession> {
  hub: Hub;
  registry: ChannelRegistry;
  pubsub: PubSubAdapter;
  services: S;
  logger: Logger;
  gidApp: string;
  /** Largest client frame once the welcome is sent. */
  maxFrameBytes: number;
  maxBufferedBytes: number;
  limits?: ConnectionLimits;
  /** Per-identity socket cap (absent: unlimited). */
  identityCap?: IdentityCap;
  /** What an open socket gets at token expiry (default `refresh`). */
  tokenExpiry?: ExpiryPolicy;
  metrics?: ConnectionMetrics;
  /** Stream history (ext protocol), when the broker keeps it. */
  history?: HistoryReader;
  /** Presence sets (AnyCable presence); without it, presence commands are ignored. */
  presence?: PresenceStore;
  /** Ext-protocol session snapshots (restore by `sid`). */
  sessions?: SessionStore;
  /** Whether `sessions` is shared with other processes (then a restore may take over a socket on another node). */
  sharedSessions?: boolean;
  sessionTtlSeconds?: number;
  /** Open ext-protocol connections by `sid`: a restore takes over a socket this node, or another, still holds. */
  liveSessions?: SessionRegistry<C>;
  onClosed?: (conn: C) => void;
}

/** Per-connection start options. */
export interface StartOptions {
  /** The `sid` an ext-protocol client asks to restore (`?sid=` or `X-ANYCABLE-RESTORE-SID`). */
  restoreSid?: string;
}
