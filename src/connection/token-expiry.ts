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

/** Fires once a token's `exp` (unix seconds) has passed, re-arming past setTimeout's limit. */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;

  /** Arm for `exp`; nothing for workers or the `never` policy. Fires at once when `exp` is already past. */
  arm(exp: number | undefined, kind: 'user' | 'worker', policy: ExpiryPolicy, onExpired: () => void): void {
    if (exp === undefined || kind === 'worker' || policy === 'never') return;
    const ms = exp * 1000 - Date.now();
    if (ms <= 0) return onExpired();
    this.timer = setTimeout(() => this.arm(exp, kind, policy, onExpired), Math.min(ms, MAX_TIMEOUT_MS));
    this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
