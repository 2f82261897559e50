// Who is on a connection: a user (access token or legacy user token) or a worker (worker token), with the
// account and the permission names loaded once at connect. `system.admin` implies every permission.

import { globalIdParam } from '../protocol/global-id';

interface BaseIdentity {
  readonly accountId: string;
  readonly permissions: ReadonlySet<string>;
  /** GlobalID param of the User or Worker: the Rails connection identifier (used by remote disconnect). */
  readonly connectionIdentifier: string;
  /** Token expiry (unix seconds), when the credential expires. */
  readonly tokenExp?: number;
  readonly tokenIat?: number;
  readonly jti?: string;
  /** SHA-256 digest of a legacy opaque `user_tokens` token, when the user connected with one (re-checked while open). */
  readonly legacyTokenDigest?: string;
  /** A dashboard session opened with the operator key (src/auth/operator.ts): no user row; only OperatorChannel accepts it. */
  readonly operator?: boolean;
}

/** A connected user. */
export interface UserIdentity extends BaseIdentity {
  readonly kind: 'user';
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
}

/** A connected worker process. */
export interface WorkerIdentity extends BaseIdentity {
  readonly kind: 'worker';
  readonly workerId: string;
  readonly name: string;
  readonly isSystem: boolean;
}

/** Either kind of identity. */
export type Identity = UserIdentity | WorkerIdentity;

/** The permission that implies every other one. */
export const SYSTEM_ADMIN = 'system.admin';

/** Whether `identity` holds `name` (or `system.admin`). */
export function hasPermission(identity: Identity, name: string): boolean {
  return identity.permissions.has(SYSTEM_ADMIN) || identity.permissions.has(name);
}

/** Whether `identity` holds at least one of `names`. */
export function hasAnyPermission(identity: Identity, names: readonly string[]): boolean {
  return names.some((n) => hasPermission(identity, n));
}

/** The Rails connection identifier of a user or worker: its GlobalID param. */
export function connectionIdentifierFor(app: string, kind: 'user' | 'worker', id: string): string {
  return globalIdParam(app, kind === 'user' ? 'User' : 'Worker', id);
}
