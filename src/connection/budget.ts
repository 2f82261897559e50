// The per-socket budgets of one connection: streams across its subscriptions (CABLE_MAX_STREAMS) and its slot in the
// per-identity socket cap (CABLE_MAX_CONNECTIONS_PER_USER), released when the socket closes; it is also the
// connection's stream handle, which routes streams through the hub within that budget.

import type { StreamHandle, StreamTarget } from '../channel/host';
import { TooManyStreamsError } from '../errors';
import type { Hub, HubSession } from '../hub/hub';
import type { IdentityCap } from './types';

/**
 * Stream and identity-slot accounting of one connection, and its stream handle: streams routed through the hub to a
 * subscription or a callback, counted against the budget (one object per connection, not two).
 */
export class ConnectionBudget implements StreamHandle {
  private streams = 0;
  /** The identity key holding a slot of the cap, once acquired. */
  private slot: string | undefined;

  constructor(
    private readonly hub: Hub,
    private readonly session: HubSession,
    private readonly maxStreams: number,
    private readonly cap: IdentityCap | undefined,
  ) {}

  /** Reserve one stream; throws TooManyStreamsError (synchronously, before anything is attached) at the maximum. */
  takeStream(): void {
    if (this.streams >= this.maxStreams) throw new TooManyStreamsError(this.maxStreams);
    this.streams += 1;
  }

  /** Give a stream back. */
  releaseStream(): void {
    this.streams -= 1;
  }

  /** Count this socket for `key`; false when that identity already holds the maximum of sockets. */
  acquireSlot(key: string): boolean {
    if (!this.cap) return true;
    if (!this.cap.acquire(key)) return false;
    this.slot = key;
    return true;
  }

  /** Give the socket's slot back (once). */
  releaseSlot(): void {
    if (this.slot === undefined) return;
    this.cap?.release(this.slot);
    this.slot = undefined;
  }

  /** Route `stream`; throws TooManyStreamsError at CABLE_MAX_STREAMS, before anything is attached. */
  attach(stream: string, target: StreamTarget): Promise<void> {
    this.takeStream();
    return typeof target === 'string' ? this.hub.add(stream, target, this.session) : this.hub.addCallback(stream, target);
  }

  detach(stream: string, target: StreamTarget): void {
    this.releaseStream();
    if (typeof target === 'string') this.hub.remove(stream, target, this.session);
    else this.hub.removeCallback(stream, target);
  }
}
