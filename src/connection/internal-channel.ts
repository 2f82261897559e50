// The internal channel of an identified connection (Rails' Connection::InternalChannel): a subscription to
// `action_cable/<connection identifier>` on which `{"type":"disconnect"}` closes every socket of that user or worker,
// from any node (POST /_disconnect, Rails' remote_connections). While pub/sub is down it keeps retrying with backoff,
// so a remote disconnect issued after the outage still arrives.

import type { Hub, StreamListener } from '../hub/hub';
import type { Logger } from '../log/logger';
import { internalRetryDelay } from './live-sessions';

/** What the internal channel needs from its connection. */
export interface InternalChannelOwner {
  readonly logger: Logger;
  readonly isClosed: boolean;
  /** A remote disconnect arrived. */
  remoteDisconnect(reconnect: boolean): void;
}

/** `action_cable/<id>` for one connection (the hub's listener of that stream: a method, not a closure per socket). */
export class InternalChannel implements StreamListener {
  private retry: NodeJS.Timeout | undefined;
  private attempts = 0;

  constructor(private readonly hub: Hub, readonly stream: string, private readonly owner: InternalChannelOwner) {}

  /** Subscribe (resolves when live, or when the first attempt failed and retries are scheduled). */
  async attach(): Promise<void> {
    if (this.owner.isClosed) return;
    try {
      await this.hub.addCallback(this.stream, this);
      if (this.attempts > 0) this.owner.logger.info('internal channel subscribed after retry', { attempts: this.attempts + 1 });
      this.attempts = 0;
    } catch (err) {
      if (this.owner.isClosed) return;
      if (this.attempts === 0) this.owner.logger.warn('internal channel unavailable; retrying', { code: 'CABLE_PUBSUB_UNAVAILABLE', err });
      this.attempts += 1;
      this.retry = setTimeout(() => void this.attach(), internalRetryDelay(this.attempts));
      this.retry.unref();
    }
  }

  /** Unsubscribe and stop retrying. */
  detach(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.hub.removeCallback(this.stream, this);
  }

  /** A message on the internal stream (StreamListener). */
  receiveStreamMessage(message: unknown): void {
    const msg = message as { type?: unknown; reconnect?: unknown } | null;
    if (!msg || msg.type !== 'disconnect') return;
    this.owner.logger.info('remote disconnect');
    this.owner.remoteDisconnect(msg.reconnect !== false);
  }
}
