// stream → handlers bookkeeping shared by every adapter (cf. Rails SubscriberMap): reports the first
// subscriber and the last unsubscriber of a stream so the backend subscribes upstream exactly once.

import type { MessageHandler, MessagePosition } from './adapter';

/** Tracks handlers per stream and delivers payloads to them. */
export class SubscriberMap {
  private readonly streams = new Map<string, Set<MessageHandler>>();

  /** Add a handler; returns true when it is the stream's first. */
  add(stream: string, handler: MessageHandler): boolean {
    let set = this.streams.get(stream);
    const first = set === undefined;
    if (!set) this.streams.set(stream, (set = new Set()));
    set.add(handler);
    return first;
  }

  /** Remove a handler; returns true when the stream has no handlers left. */
  remove(stream: string, handler: MessageHandler): boolean {
    const set = this.streams.get(stream);
    if (!set) return false;
    set.delete(handler);
    if (set.size > 0) return false;
    this.streams.delete(stream);
    return true;
  }

  /** Deliver one payload (with its position, if any) to every handler of the stream; a throwing handler stops no other. */
  deliver(stream: string, payload: string, onError?: (err: unknown) => void, position?: MessagePosition): void {
    const set = this.streams.get(stream);
    if (!set) return;
    for (const handler of set) {
      try {
        handler(payload, position);
      } catch (err) {
        onError?.(err);
      }
    }
  }

  /** Handlers of the stream (for brokers that track them beside an upstream subscription). */
  count(stream: string): number {
    return this.streams.get(stream)?.size ?? 0;
  }

  /** Whether the stream has handlers. */
  has(stream: string): boolean {
    return this.streams.has(stream);
  }

  /** Every stream with at least one handler. */
  streamNames(): string[] {
    return [...this.streams.keys()];
  }

  /** Number of live streams. */
  get size(): number {
    return this.streams.size;
  }

  /** Forget everything. */
  clear(): void {
    this.streams.clear();
  }
}
