// Session recovery of one ext-protocol connection (AnyCable's session restore): its snapshot (what it is subscribed
// to) written on every change and twice per TTL, a restore by `sid` for the same identity (re-authorizing each
// subscription silently), the takeover of a stale socket that still holds the sid here or on another node, and the
// hold of restored subscriptions' live frames until the client asks for history (or RESTORE_HOLD_MS passes).

import type { Identity } from '../auth/identity';
import type { SessionStore } from '../broker/sessions';
import type { Logger } from '../log/logger';
import type { CatchUp } from './catch-up';
import { identityKey, type SupersedableSession } from './live-sessions';
import type { SessionRegistry } from './types';

/** How long a restored subscription holds live frames waiting for its client's `history` request. */
export const RESTORE_HOLD_MS = 3000;
const MAX_TIMEOUT_MS = 2_147_000_000;

/** What recovery needs from its connection. */
export interface RecoveryOwner extends SupersedableSession {
  readonly logger: Logger;
  readonly identity: Identity;
  readonly catchUp: CatchUp;
  /** Identifiers subscribed now. */
  subscribedIdentifiers(): string[];
  /** Re-run a subscription without sending frames; true when it is authorized again. */
  resubscribeSilently(identifier: string): Promise<boolean>;
  /** The session's snapshot writes so far have settled (a takeover waits for the stale socket's last one). */
  sessionWritten(): Promise<void>;
}

/** Settings of recovery. */
export interface RecoveryDeps<C extends RecoveryOwner> {
  sessions?: SessionStore;
  sessionTtlSeconds?: number;
  liveSessions?: SessionRegistry<C>;
}

/** The snapshot, restore and takeover of one ext-protocol session. */
export class SessionRecovery<C extends RecoveryOwner> {
  /** Restored identifiers still waiting for their client's history request. */
  private readonly restoring = new Set<string>();
  private restoreTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** Another socket restored this session: the snapshot is no longer ours to write. */
  superseded = false;

  constructor(readonly sid: string, private readonly owner: C, private readonly deps: RecoveryDeps<C>) {}

  /** Restore `requested` for the owner's identity: the restored identifiers, or undefined when there is nothing to restore. */
  async restore(requested: string): Promise<string[] | undefined> {
    const identifiers = (await this.takeOver(requested)) ?? (await this.fromSnapshot(requested));
    if (!identifiers) return undefined;
    // Live frames of the restored subscriptions wait for the client's history request (or RESTORE_HOLD_MS), so what
    // it missed and what arrives meanwhile reach it once each and in order.
    const catchUp = this.owner.catchUp;
    for (const id of identifiers) catchUp.hold(id);
    const restored: string[] = [];
    for (const id of identifiers) {
      if (await this.owner.resubscribeSilently(id)) restored.push(id);
      else catchUp.forget(id);
    }
    for (const id of restored) this.restoring.add(id);
    this.restoreTimer = setTimeout(() => this.releaseRestored(), RESTORE_HOLD_MS);
    this.restoreTimer.unref();
    this.owner.logger.info('session restored', { restored: restored.length, requested: identifiers.length });
    return restored;
  }

  /** Register the open session under its sid and keep its snapshot fresh. */
  track(restored: boolean): void {
    this.deps.liveSessions?.set(this.sid, this.owner);
    if (restored) this.persist();
    const ttl = this.ttl;
    if (!this.deps.sessions || ttl <= 0) return;
    // A snapshot must outlive a socket whose close the server never sees: rewrite it twice per TTL.
    this.refreshTimer = setInterval(() => this.persist(), Math.min((ttl * 1000) / 2, MAX_TIMEOUT_MS));
    this.refreshTimer.unref();
  }

  /** The socket closed: stop refreshing and leave the registry. */
  untrack(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.refreshTimer = this.restoreTimer = undefined;
    this.restoring.clear();
    if (this.deps.liveSessions?.get(this.sid) === this.owner) this.deps.liveSessions.delete(this.sid);
  }

  /** Write the snapshot now, in order with earlier writes (on every subscription change and at close). */
  persist(): void {
    const store = this.deps.sessions;
    const who = this.owner.maybeIdentity;
    if (!store || !who || this.superseded) return;
    const snapshot = { identityKey: identityKey(who), identifiers: this.owner.subscribedIdentifiers() };
    this.saving = this.saving.then(() => store.save(this.sid, snapshot, this.ttl)).catch(() => undefined);
  }

  /** Resolves once every snapshot write issued so far has settled. */
  written(): Promise<void> {
    return this.saving;
  }

  /** The client asked for history of `identifier` (or unsubscribed it): it no longer waits for the restore hold. */
  settled(identifier: string): void {
    this.restoring.delete(identifier);
  }

  private get ttl(): number {
    return this.deps.sessionTtlSeconds ?? 300;
  }

  /** A socket of this node still holds the sid for the same identity: close it and take its subscriptions. */
  private async takeOver(requested: string): Promise<string[] | undefined> {
    const stale = this.deps.liveSessions?.get(requested);
    const key = identityKey(this.owner.identity);
    if (!stale || stale === this.owner || !stale.maybeIdentity || identityKey(stale.maybeIdentity) !== key) return undefined;
    const identifiers = stale.supersede() as string[];
    await stale.sessionWritten();
    this.owner.logger.info('stale socket of the session taken over');
    return identifiers;
  }

  /** The stored snapshot, taken only when it is this identity's (a refused restore leaves the owner's in place). */
  private async fromSnapshot(requested: string): Promise<string[] | undefined> {
    const key = identityKey(this.owner.identity);
    const snapshot = await this.deps.sessions?.take(requested, key).catch(() => null);
    if (!snapshot || snapshot.identityKey !== key) return undefined;
    // The old socket may still be open on another node: that node closes it on this notice.
    this.deps.liveSessions?.announce(requested, this.owner.identity);
    return snapshot.identifiers;
  }

  /** Restored subscriptions whose client did not ask for history in time get their held frames as they are. */
  private releaseRestored(): void {
    this.restoreTimer = undefined;
    for (const id of this.restoring) this.owner.catchUp.release(id, new Map());
    this.restoring.clear();
  }
}
