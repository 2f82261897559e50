// Stream bookkeeping of one subscription (Rails Channel::Streams): which streams it holds, the pub/sub
// subscriptions still pending (confirmation waits for them), and stopping one or all.

import { codeOf } from '../errors';
import type { ChannelHost } from './host';
import type { StreamCallback } from '../hub/hub';
import { streamNames } from './shared-strings';

/** Names a subscription keeps in an exact-size array before it switches to a Set. */
const SMALL = 8;

/**
 * The streams of one subscription. One exists per subscription, so its collections are made when first needed: one
 * name as it is, a few in an exact-size array, more in a Set (insertion order kept for `names()`), callbacks in a map
 * only for subscriptions that use them, and the pending promises only until they are settled.
 */
export class StreamSet {
  private streams: string | string[] | Set<string> | undefined;
  private callbacks: Map<string, StreamCallback> | undefined;
  private pending: Promise<void>[] | undefined;

  constructor(private readonly host: ChannelHost, private readonly quotedIdentifier: string) {}

  /**
   * Start routing `stream` to this subscription (deduplicated; AnyCable does the same). The returned promise resolves
   * when the stream is live; a failure is always handled here (logged, stream dropped), so ignoring it is safe.
   */
  add(name: string, callback?: StreamCallback): Promise<void> {
    if (callback ? this.callbacks?.has(name) : this.holds(name)) return Promise.resolve();
    // Every subscription of a stream holds the same copy of its name.
    const stream = streamNames.get(name);
    let live: Promise<void>;
    try {
      live = this.host.streams.attach(stream, callback ?? this.quotedIdentifier);
    } catch (err) {
      // Refused before anything was attached (CABLE_MAX_STREAMS): nothing to undo. Logged once where it surfaces (the
      // rejected subscription, or the action that awaited it), not once per stream.
      this.host.logger.debug('stream refused', { code: codeOf(err), stream });
      live = Promise.reject(err);
      (this.pending ??= []).push(live);
      live.catch(() => undefined);
      return live;
    }
    if (callback) (this.callbacks ??= new Map()).set(stream, callback);
    else this.hold(stream);
    live.catch((err: unknown) => {
      this.host.logger.warn('stream could not be subscribed', { code: 'CABLE_PUBSUB_UNAVAILABLE', stream, err: err instanceof Error ? err.message : String(err) });
      this.remove(stream);
    });
    (this.pending ??= []).push(live);
    return live;
  }

  /** Stop routing `stream`. */
  remove(stream: string): void {
    if (this.release(stream)) this.host.streams.detach(stream, this.quotedIdentifier);
    const cb = this.callbacks?.get(stream);
    if (cb) {
      this.callbacks?.delete(stream);
      this.host.streams.detach(stream, cb);
    }
  }

  /** Stop every stream. */
  clear(): void {
    for (const stream of this.names()) this.remove(stream);
  }

  /** Wait until every stream added so far is live; rejects when one could not be subscribed. */
  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    await Promise.all(pending ?? []);
  }

  /** Names of the streams held (for tests and docs). */
  names(): string[] {
    const streams = this.streams;
    const held = streams === undefined ? [] : typeof streams === 'string' ? [streams] : [...streams];
    return this.callbacks ? [...held, ...this.callbacks.keys()] : held;
  }

  private holds(stream: string): boolean {
    const streams = this.streams;
    if (typeof streams === 'string') return streams === stream;
    return streams instanceof Set ? streams.has(stream) : streams !== undefined && streams.includes(stream);
  }

  private hold(stream: string): void {
    const streams = this.streams;
    if (streams === undefined) this.streams = stream;
    else if (typeof streams === 'string') this.streams = [streams, stream];
    else if (streams instanceof Set) streams.add(stream);
    // Copies of exact size (concat): pushing, or spreading into a literal, reserves room for 17 names.
    else if (streams.length < SMALL) this.streams = streams.concat([stream]);
    else this.streams = new Set([...streams, stream]);
  }

  /** Forget `stream`; whether it was held. */
  private release(stream: string): boolean {
    const streams = this.streams;
    if (typeof streams === 'string') {
      if (streams !== stream) return false;
      this.streams = undefined;
      return true;
    }
    if (streams instanceof Set) return streams.delete(stream);
    const at = streams === undefined ? -1 : streams.indexOf(stream);
    if (at < 0) return false;
    const rest = (streams as string[]).slice();
    rest.splice(at, 1);
    this.streams = rest.length === 1 ? rest[0] : rest;
    return true;
  }
}
