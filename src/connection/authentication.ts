// The outcome of a connection's authentication (Rails Connection::Base#handle_open): the identity, or the frame that
// refuses it. A credential the server could not check is refused but told to retry (close 1011, not 1000), and a
// token that merely expired is told apart for the clients that renew on it.

import type { Identity } from '../auth/identity';
import { UnauthorizedError } from '../errors';
import type { Logger } from '../log/logger';
import type { DisconnectReason } from '../protocol/messages';
import type { ConnectionMetrics } from './types';

/** What authentication needs from its connection. */
export interface AuthenticationTarget {
  readonly logger: Logger;
  readonly metrics: ConnectionMetrics | undefined;
  /** Whether the socket still waits for its welcome (it may have been closed meanwhile). */
  readonly isConnecting: boolean;
  /** The negotiated sub-protocol ('' when none). */
  readonly protocol: string;
  disconnect(reason: DisconnectReason | null, reconnect: boolean): void;
}

/** Await the identity; refuses the connection (and returns undefined) when it cannot be had. `abandoned` ends the wait when the socket closes. */
export async function awaitIdentity(target: AuthenticationTarget, authentication: Promise<Identity>, abandoned: Promise<never>): Promise<Identity | undefined> {
  const started = performance.now();
  try {
    const identity = await Promise.race([authentication, abandoned]);
    target.metrics?.authTime((performance.now() - started) / 1000);
    return target.isConnecting ? identity : undefined;
  } catch (err) {
    if (!target.isConnecting) return undefined; // closed meanwhile (e.g. the authentication deadline)
    target.metrics?.authFailed(err instanceof UnauthorizedError ? err.reason : 'unavailable');
    if (err instanceof UnauthorizedError) refuse(target, err.reason);
    else {
      target.logger.warn('authentication unavailable', { code: 'CABLE_AUTH_UNAVAILABLE', err });
      target.disconnect(null, true);
    }
    return undefined;
  }
}

/**
 * Refuse the connection. A token that merely expired is `token_expired` for clients that speak a sub-protocol (as
 * AnyCable does: @anycable/core's tokenRefresher renews on it) and `unauthorized` for clients without one
 * (Powernode's WebSocketManager renews its token only on that frame).
 */
function refuse(target: AuthenticationTarget, failure: string): void {
  target.logger.info('connection rejected', { code: 'CABLE_UNAUTHORIZED', reason: failure });
  const expired = failure === 'expired' && target.protocol !== '';
  target.disconnect(expired ? 'token_expired' : 'unauthorized', false);
}
