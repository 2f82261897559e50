// The pub/sub contract every backend implements (memory, redis, solid_cable). Payloads are already-encoded
// JSON strings, exactly what Rails' adapters carry (ActionCable::SubscriptionAdapter::Base).

/** Position of a message in its stream's history (AnyCable reliable streams): offset within an epoch. */
export interface MessagePosition {
  offset: number;
  epoch: string;
}

/** Called with the raw JSON payload of each message published to a stream (and its position, when the backend keeps history). */
export type MessageHandler = (payload: string, position?: MessagePosition) => void;

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

/** Health of the backend, reported on /health. */
export interface AdapterStatus {
  healthy: boolean;
  detail?: string;
}

/** A shared session cache (ext-protocol restore across nodes); structurally the connection's SessionStore. */
export interface SessionCache {
  save(sid: string, snapshot: { identityKey: string; identifiers: string[] }, ttlSeconds: number): Promise<void>;
  /** Return and forget the snapshot of `sid` when it belongs to `identityKey`; another identity's is left intact. */
  take(sid: string, identityKey: string): Promise<{ identityKey: string; identifiers: string[] } | null>;
}

/** A pub/sub backend. One handler set per stream; the backend subscribes upstream once per stream. */
export interface PubSubAdapter {
  /** Backend name for logs and /health. */
  readonly name: string;
  /** Publish `payload` (JSON text) to `stream`; rejects with BroadcastFailedError when it cannot be accepted. */
  broadcast(stream: string, payload: string): Promise<void>;
  /** Add `handler` for `stream`; resolves once messages published afterwards are guaranteed to arrive. */
  subscribe(stream: string, handler: MessageHandler): Promise<void>;
  /** Remove `handler`; the upstream subscription ends when the last handler of the stream leaves. */
  unsubscribe(stream: string, handler: MessageHandler): Promise<void>;
  /** Current health. */
  status(): AdapterStatus;
  /** Stream history, when the backend keeps it (ext protocol). */
  readonly history?: HistoryReader;
  /** Session snapshots shared by every node, when the backend keeps them. */
  readonly sessions?: SessionCache;
  /** Release connections and timers. */
  shutdown(): Promise<void>;
}
