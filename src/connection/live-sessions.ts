// LiveSessions: this node's open ext-protocol connections by `sid`, and the cluster-wide notice that takes a stale
// one over. A client whose network changed restores its session on a new socket, often before the server holding
// the old socket has noticed it is gone. On the same node the restore closes that socket directly; on another node
// the restoring node announces `{sid, identity, node}` on the internal stream `__cable_sessions__` and the node that
// holds the sid closes its stale socket. One pub/sub subscription per process, retried with backoff while pub/sub is
// down.

import { randomBytes } from 'node:crypto';
import type { Identity } from '../auth/identity';
import type { Hub } from '../hub/hub';
import type { Logger } from '../log/logger';
import type { PubSubAdapter } from '../pubsub/adapter';

/** The internal stream restore notices travel on (under the adapter's channel prefix). */
export const SESSIONS_STREAM = '__cable_sessions__';

/** What a connection offers to be taken over. */
export interface SupersedableSession {
  readonly maybeIdentity: Identity | undefined;
  /** Close this socket now (its session lives on elsewhere). */
  supersede(): unknown;
}

interface Notice {
  sid?: unknown;
  identity?: unknown;
  node?: unknown;
}

/** `user:<id>` / `worker:<id>`: who a session belongs to (a restore must be by the same identity). */
export function identityKey(identity: Identity): string {
  return identity.kind === 'user' ? `user:${identity.userId}` : `worker:${identity.workerId}`;
}

/** Backoff of internal-stream retries: 250 ms doubling to 5 s, with ±20 % jitter so an outage's sockets spread out. */
export function internalRetryDelay(attempt: number): number {
  const base = Math.min(250 * 2 ** Math.min(attempt - 1, 10), 5000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Open sessions of this node by sid, plus the cross-node takeover notice. */
export class LiveSessions<C extends SupersedableSession> extends Map<string, C> {
  private readonly node = randomBytes(8).toString('hex');
  private attempts = 0;
  private retry: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly hub: Hub, private readonly pubsub: PubSubAdapter, private readonly logger: Logger) {
    super();
  }

  /** Listen for other nodes' restore notices. */
  start(): void {
    this.running = true;
    void this.attach();
  }

  /** Stop listening. */
  stop(): void {
    this.running = false;
    if (this.retry) clearTimeout(this.retry);
    this.hub.removeCallback(SESSIONS_STREAM, this.onNotice);
  }

  /** Tell the other nodes that `sid` now lives on a socket of this node (restored from its snapshot). */
  announce(sid: string, identity: Identity): void {
    const notice = JSON.stringify({ sid, identity: identityKey(identity), node: this.node });
    this.pubsub.broadcast(SESSIONS_STREAM, notice).catch((err: unknown) => this.logger.warn('session takeover notice not sent', { code: 'CABLE_BROADCAST_FAILED', err }));
  }

  private async attach(): Promise<void> {
    if (!this.running) return;
    try {
      await this.hub.addCallback(SESSIONS_STREAM, this.onNotice);
      this.attempts = 0;
    } catch (err) {
      if (!this.running) return;
      if (this.attempts === 0) this.logger.warn('session takeover channel unavailable; retrying', { code: 'CABLE_PUBSUB_UNAVAILABLE', err });
      this.attempts += 1;
      this.retry = setTimeout(() => void this.attach(), internalRetryDelay(this.attempts));
      this.retry.unref();
    }
  }

  private readonly onNotice = (message: unknown): void => {
    const notice = message as Notice | null;
    if (!notice || typeof notice.sid !== 'string' || notice.node === this.node) return;
    const stale = this.get(notice.sid);
    if (!stale?.maybeIdentity || identityKey(stale.maybeIdentity) !== notice.identity) return;
    this.logger.info('session restored on another node, closing the stale socket');
    stale.supersede();
  };
}
