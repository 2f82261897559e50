// RevocationMonitor: re-checks open sockets every CABLE_AUTH_RECHECK_MS, up to 2000 per store call (the Prisma
// store runs up to four queries per call, in parallel) — a blacklisted jti, a user-wide revocation issued after the
// token, a deactivated user or account, a revoked/suspended worker, or a revoked legacy user_tokens row closes the
// affected sockets with the unauthorized frame (the original checked tokens only at connect).

import type { Identity } from '../auth/identity';
import type { IdentityStore, RevocationState } from '../auth/store';
import type { Logger } from '../log/logger';

/** What the monitor needs of a connection. */
export interface RevocableConnection {
  readonly isOpen: boolean;
  readonly maybeIdentity: Identity | undefined;
  disconnect(reason: 'unauthorized', reconnect: boolean): void;
}

const BATCH = 2000;

/** Whether `identity` must be cut off given `state`. */
export function isRevoked(identity: Identity, state: RevocationState): boolean {
  // An operator ticket has no row to re-check: it ends at its expiry (and with the operator key).
  if (identity.operator) return false;
  if (identity.jti && state.revokedJtis.has(identity.jti)) return true;
  if (identity.legacyTokenDigest && !state.liveLegacyTokens.has(identity.legacyTokenDigest)) return true;
  if (identity.kind === 'worker') return !state.activeWorkers.has(identity.workerId);
  const revokedAt = state.userRevokedAt.get(identity.userId);
  if (revokedAt && (identity.tokenIat ?? 0) * 1000 <= revokedAt.getTime()) return true;
  return !state.activeUsers.has(identity.userId);
}

/** Periodic batched revocation check of every open connection. */
export class RevocationMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: IdentityStore,
    private readonly connections: () => Iterable<RevocableConnection>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Start checking. */
  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** Stop checking. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Run one check now; returns how many connections were closed. */
  async check(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const open = [...this.connections()].filter((c) => c.isOpen && c.maybeIdentity);
      let closed = 0;
      for (let i = 0; i < open.length; i += BATCH) closed += await this.checkBatch(open.slice(i, i + BATCH));
      return closed;
    } catch (err) {
      this.logger.warn('revocation check failed', { err });
      return 0;
    } finally {
      this.running = false;
    }
  }

  private async checkBatch(batch: RevocableConnection[]): Promise<number> {
    const ids = batch.map((c) => c.maybeIdentity as Identity);
    const state = await this.store.revocationState({
      jtis: unique(ids.flatMap((i) => (i.jti ? [i.jti] : []))),
      userIds: unique(ids.flatMap((i) => (i.kind === 'user' ? [i.userId] : []))),
      workerIds: unique(ids.flatMap((i) => (i.kind === 'worker' ? [i.workerId] : []))),
      legacyDigests: unique(ids.flatMap((i) => (i.legacyTokenDigest ? [i.legacyTokenDigest] : []))),
    });
    let closed = 0;
    for (const conn of batch) {
      if (!conn.isOpen || !isRevoked(conn.maybeIdentity as Identity, state)) continue;
      this.logger.info('credential revoked on an open socket', { code: 'CABLE_UNAUTHORIZED' });
      conn.disconnect('unauthorized', false);
      closed += 1;
    }
    return closed;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
