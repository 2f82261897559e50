// Operator access to the dashboard (GET /dashboard) and its cable session. Two credentials open it: the access token
// of a user holding `system.admin`, or the operator key (CABLE_OPERATOR_KEY). The key itself never reaches the page:
// the dashboard gets a short-lived operator ticket (`operator.<exp>.<nonce>.<hmac>`, keyed by the operator key) that
// the cable accepts as an operator identity, which only OperatorChannel lets subscribe (ApplicationChannel refuses
// it everywhere else) and the revocation check leaves to its expiry.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors';
import { connectionIdentifierFor, hasPermission, SYSTEM_ADMIN, type Identity, type UserIdentity } from './identity';
import { TokenError } from './jwt';

/** Tokens that start with this are operator tickets, never JWTs or legacy tokens. */
export const OPERATOR_TICKET_PREFIX = 'operator.';
/** How long a dashboard's cable session lasts before the page must be reloaded with a credential. */
export const OPERATOR_TICKET_SECONDS = 12 * 3600;
/** The id the operator identity is known by (presence, logs, remote disconnect of `user_id: "operator"`). */
export const OPERATOR_ID = 'operator';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `given` is exactly `key`, compared in constant time (digests: the length leaks nothing either). */
export function sameKey(given: string, key: string): boolean {
  return timingSafeEqual(digest(given), digest(key));
}

function mac(key: string, body: string): string {
  return createHmac('sha256', key).update(`cable-operator-ticket:${body}`).digest('base64url');
}

/** A ticket for the dashboard's cable session, valid `seconds` from `now` (ms). */
export function mintOperatorTicket(key: string, seconds = OPERATOR_TICKET_SECONDS, now = Date.now()): string {
  const body = `${Math.floor(now / 1000) + seconds}.${randomBytes(9).toString('base64url')}`;
  return `${OPERATOR_TICKET_PREFIX}${body}.${mac(key, body)}`;
}

/** The expiry (unix seconds) of a valid, unexpired ticket; TokenError otherwise. */
export function verifyOperatorTicket(token: string, key: string, now = Date.now()): number {
  const parts = token.slice(OPERATOR_TICKET_PREFIX.length).split('.');
  if (!token.startsWith(OPERATOR_TICKET_PREFIX) || parts.length !== 3) throw new TokenError('malformed');
  const [exp = '', nonce = '', signature = ''] = parts;
  if (!/^\d{1,12}$/.test(exp) || !sameKey(signature, mac(key, `${exp}.${nonce}`))) throw new TokenError('bad_signature');
  if (Number(exp) * 1000 <= now) throw new TokenError('expired');
  return Number(exp);
}

/** The identity of a dashboard opened with the operator key: no user row behind it, `operator: true`. */
export function operatorIdentity(gidApp: string, exp: number): UserIdentity {
  return {
    kind: 'user',
    userId: OPERATOR_ID,
    accountId: OPERATOR_ID,
    email: '',
    name: 'operator',
    roles: [],
    permissions: new Set([SYSTEM_ADMIN]),
    connectionIdentifier: connectionIdentifierFor(gidApp, 'user', OPERATOR_ID),
    tokenExp: exp,
    operator: true,
  };
}

/** The answer to a dashboard credential: the token the page connects to the cable with, or a refusal status. */
export type OperatorAccess = { status: 200; cableToken: string; who: string } | { status: 401 | 403 | 503; message: string };

/**
 * Check a dashboard credential: the operator key (answered with a fresh ticket) or a token `authenticate` accepts
 * (a user holding `system.admin`, answered with that same token, unless `admins` is false: CABLE_DASHBOARD=key).
 * 401 for anything unknown, 403 for a valid credential without `system.admin` (or a worker's), 503 when the identity
 * store cannot be read.
 */
export async function checkOperatorAccess(credential: string, operatorKey: string | undefined, authenticate: (token: string) => Promise<Identity>, admins = true): Promise<OperatorAccess> {
  if (operatorKey && sameKey(credential, operatorKey)) return { status: 200, cableToken: mintOperatorTicket(operatorKey), who: 'operator key' };
  if (!admins) return { status: 401, message: 'this server opens the dashboard with the operator key only' };
  if (credential.startsWith(OPERATOR_TICKET_PREFIX)) return { status: 401, message: 'an operator ticket opens the cable, not the dashboard' };
  let identity: Identity;
  try {
    identity = await authenticate(credential);
  } catch (err) {
    if (err instanceof UnauthorizedError) return { status: 401, message: 'invalid or expired credential' };
    return { status: 503, message: 'credentials cannot be checked now' };
  }
  if (identity.kind !== 'user' || !hasPermission(identity, SYSTEM_ADMIN)) return { status: 403, message: 'system.admin required' };
  return { status: 200, cableToken: credential, who: `user:${identity.userId}` };
}
