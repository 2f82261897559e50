// Token expiry on an open socket (CABLE_TOKEN_EXPIRY): when to act and what each kind of client is told so that it
// renews its token by itself. Workers are never closed at expiry (Powernode's worker client connects once with a
// 300 s JWT and cannot renew it); the revocation re-check still closes them.

import { BASE_PROTOCOL, EXT_PROTOCOL, type DisconnectReason } from '../protocol/messages';
import type { ExpiryPolicy } from './types';

/** The longest delay setTimeout takes. */
const MAX_TIMEOUT_MS = 2_147_000_000;

/**
 * The disconnect for an expired token. `close`: token_expired, final. `refresh`: AnyCable's ext protocol gets
 * token_expired (its tokenRefresher), plain Action Cable token_expired with reconnect (its URL function builds a fresh
 * one), a client without a sub-protocol (Powernode's WebSocketManager) `unauthorized`, the one frame it renews on.
 */
export function expiryDisconnect(policy: ExpiryPolicy, protocol: string): { reason: DisconnectReason; reconnect: boolean } {
  if (policy === 'close' || protocol === EXT_PROTOCOL) return { reason: 'token_expired', reconnect: false };
  if (protocol === BASE_PROTOCOL) return { reason: 'token_expired', reconnect: true };
  return { reason: 'unauthorized', reconnect: false };
}

/** A socket whose token expires (Connection). */
export interface Expiring {
  /** The token's `exp` has passed. */
  expired(): void;
}

/**
 * Token expiries of every socket of the process on one timer: sockets are kept by their token's `exp` (unix seconds,
 * so sockets whose tokens were minted in the same second share a bucket) and the timer is set for the earliest, re-armed
 * past setTimeout's limit. A socket costs an entry in a set, not a timer and its closures.
 */
export class ExpirySchedule {
  private readonly due = new Map<number, Set<Expiring>>();
  private timer: NodeJS.Timeout | undefined;
  /** The `exp` the timer is set for (Infinity: none). */
  private timerFor = Infinity;

  /** Call `who.expired()` once `exp` has passed; at once (synchronously) when it already has. */
  add(exp: number, who: Expiring): void {
    if (exp * 1000 - Date.now() <= 0) return who.expired();
    let bucket = this.due.get(exp);
    if (!bucket) this.due.set(exp, (bucket = new Set()));
    bucket.add(who);
    if (exp < this.timerFor) this.arm(exp);
  }

  /** Forget `who` (its socket closed first); with nobody left waiting, no timer is left either. */
  remove(exp: number, who: Expiring): void {
    const bucket = this.due.get(exp);
    if (!bucket?.delete(who) || bucket.size > 0) return;
    this.due.delete(exp);
    if (this.due.size > 0 || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerFor = Infinity;
  }

  /** Sockets waiting for their expiry. */
  get size(): number {
    let n = 0;
    for (const bucket of this.due.values()) n += bucket.size;
    return n;
  }

  private arm(exp: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerFor = exp;
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.min(exp * 1000 - Date.now(), MAX_TIMEOUT_MS)));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerFor = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [exp, bucket] of this.due) {
      if (exp * 1000 - now > 0) {
        next = Math.min(next, exp);
        continue;
      }
      this.due.delete(exp);
      for (const who of bucket) who.expired();
    }
    // An expiry may have added sockets (and armed the timer) meanwhile; keep the earliest.
    if (next < this.timerFor) this.arm(next);
  }
}

/** The schedule of every connection of this process. */
export const expirySchedule = new ExpirySchedule();
