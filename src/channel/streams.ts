// Stream bookkeeping of one subscription (Rails Channel::Streams): which streams it holds, the pub/sub
// subscriptions still pending (confirmation waits for them), and stopping one or all.

import { codeOf } from '../errors';
import type { ChannelHost } from './host';
import type { StreamCallback } from '../hub/hub';

/** The streams of one subscription. */
export class StreamSet {
  private readonly streams = new Set<string>();
  private readonly callbacks = new Map<string, StreamCallback>();
  private pending: Promise<void>[] = [];

  constructor(private readonly host: ChannelHost, private readonly quotedIdentifier: string) {}

  /**
   * Start routing `stream` to this subscription (deduplicated; AnyCable does the same). The returned promise resolves
   * when the stream is live; a failure is always handled here (logged, stream dropped), so ignoring it is safe.
   */
  add(stream: string, callback?: StreamCallback): Promise<void> {
    if (callback ? this.callbacks.has(stream) : this.streams.has(stream)) return Promise.resolve();
    let live: Promise<void>;
    try {
      live = this.host.streams.attach(stream, callback ?? this.quotedIdentifier);
    } catch (err) {
      // Refused before anything was attached (CABLE_MAX_STREAMS): nothing to undo. Logged once where it surfaces (the
      // rejected subscription, or the action that awaited it), not once per stream.
      this.host.logger.debug('stream refused', { code: codeOf(err), stream });
      live = Promise.reject(err);
      this.pending.push(live);
      live.catch(() => undefined);
      return live;
    }
    if (callback) this.callbacks.set(stream, callback);
    else this.streams.add(stream);
    live.catch((err: unknown) => {
      this.host.logger.warn('stream could not be subscribed', { code: 'CABLE_PUBSUB_UNAVAILABLE', stream, err: err instanceof Error ? err.message : String(err) });
      this.remove(stream);
    });
    this.pending.push(live);
    return live;
  }

  /** Stop routing `stream`. */
  remove(stream: string): void {
    if (this.streams.delete(stream)) this.host.streams.detach(stream, this.quotedIdentifier);
    const cb = this.callbacks.get(stream);
    if (cb) {
      this.callbacks.delete(stream);
      this.host.streams.detach(stream, cb);
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

