// Stream bookkeeping of one subscription (Rails Channel::Streams): which streams it holds, the pub/sub
// subscriptions still pending (confirmation waits for them), and stopping one or all.

import type { ChannelHost } from './host';
import type { StreamCallback } from '../hub/hub';

/** The streams of one subscription. */
export class StreamSet {
  private readonly streams = new Set<string>();
  private readonly callbacks = new Map<string, StreamCallback>();
  private pending: Promise<void>[] = [];

  constructor(private readonly host: ChannelHost, private readonly quotedIdentifier: string) {}

  /** Start routing `stream` to this subscription (deduplicated; AnyCable does the same). */
  add(stream: string, callback?: StreamCallback): void {
    if (callback) {
      if (this.callbacks.has(stream)) return;
      this.callbacks.set(stream, callback);
      this.pending.push(this.host.addStreamCallback(stream, callback));
      return;
    }
    if (this.streams.has(stream)) return;
    this.streams.add(stream);
    this.pending.push(this.host.addStream(stream, this.quotedIdentifier));
  }

  /** Stop routing `stream`. */
  remove(stream: string): void {
    if (this.streams.delete(stream)) this.host.removeStream(stream, this.quotedIdentifier);
    const cb = this.callbacks.get(stream);
    if (cb) {
      this.callbacks.delete(stream);
      this.host.removeStreamCallback(stream, cb);
    }
  }

  /** Stop every stream. */
  clear(): void {
    for (const stream of [...this.streams, ...this.callbacks.keys()]) this.remove(stream);
  }

  /** Wait until every stream added so far is live; rejects when one could not be subscribed. */
  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  /** Names of the streams held (for tests and docs). */
  names(): string[] {
    return [...this.streams, ...this.callbacks.keys()];
  }
}
