// The broker contract (anycable-go's broker): what sits on top of a plain pub/sub to give streams positions, keep
// their history and share session snapshots. Types only; the implementations are local-history.ts (one memory node),
// redis-history.ts (Redis, several nodes) and sessions.ts; index.ts decides which one a server gets.

import type { PubSubAdapter } from '../pubsub/adapter';
import type { PresenceStore } from './presence';
import type { SessionStore } from './sessions';

/** One stored message of a stream's history. */
export interface HistoryEntry {
  payload: string;
  offset: number;
  epoch: string;
  /** Unix seconds when the message was stored. */
  time: number;
}

/** What a history request asks for: messages after a known position, or since a time (unix seconds). */
export type HistoryQuery = { offset: number; epoch: string } | { since: number };

/** Reads stream history; `null` means the requested position is no longer available (evicted or other epoch). */
export interface HistoryReader {
  read(stream: string, query: HistoryQuery): Promise<HistoryEntry[] | null>;
}

/** Size and age bounds of each stream's history. */
export interface HistoryLimits {
  limit: number;
  ttlSeconds: number;
}

/** What the server runs on: the pub/sub it subscribes through (positioned when history is on), history and sessions. */
export interface Broker {
  /** The adapter the hub subscribes to and publishes through; delivers positions when `history` is set. */
  readonly pubsub: PubSubAdapter;
  /** Stream history for the extended protocol, when the backend keeps it. */
  readonly history?: HistoryReader;
  /** Session snapshots for ext-protocol restore (shared by every node when the backend is shared). */
  readonly sessions: SessionStore;
  /** Whether the session store is shared with other processes (restore notices are then needed). */
  readonly sharedSessions: boolean;
  /** Presence sets (shared by every node on Redis). */
  readonly presence: PresenceStore;
  /** The pub/sub underneath, without positions or history: whispers and presence events travel here. */
  readonly plain: PubSubAdapter;
}
