// The pub/sub contract every backend implements (memory, redis, solid_cable): broadcast, subscribe, unsubscribe,
// shutdown (plus a name and a health status). Payloads are already-encoded JSON strings, exactly what Rails' adapters
// carry (ActionCable::SubscriptionAdapter::Base). Positions and history are the broker's (src/broker/).

/** Position of a message in its stream's history (AnyCable reliable streams): offset within an epoch; set by a broker. */
export interface MessagePosition {
  offset: number;
  epoch: string;
}

/** Called with the raw JSON payload of each message published to a stream (and its position, when the backend keeps history). */
export type MessageHandler = (payload: string, position?: MessagePosition) => void;

/** Health of the backend, reported on /health. */
export interface AdapterStatus {
  healthy: boolean;
  detail?: string;
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
  /** Release connections and timers. */
  shutdown(): Promise<void>;
}
