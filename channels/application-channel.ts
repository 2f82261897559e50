// ApplicationChannel: the shared guards of every Powernode channel (CHANNEL-RULES.md rule 2): identity kind,
// account scoping in the query itself, UUID validation before the database, permission checks, and the
// ISO-8601 second-precision timestamps Powernode's payloads carry.

import { Channel, NotFoundError } from '../src/channel/index';
import { hasAnyPermission, hasPermission, type Identity, type UserIdentity, type WorkerIdentity } from '../src/auth/identity';
import type { AppServices } from './support/services';

/** Which identities a channel accepts. */
export type IdentityKind = 'user' | 'worker' | 'any';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a canonical UUID string. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** `Time.current.iso8601`: whole seconds, `Z`. */
export function isoNow(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO-8601 with seconds precision for a nullable date. */
export function iso(date: Date | null | undefined): string | null {
  return date ? isoNow(date) : null;
}

/** Base of every Powernode channel. */
export abstract class ApplicationChannel<P = Record<string, unknown>> extends Channel<P, Identity, AppServices> {
  /** Identity kind accepted; user channels refuse workers and worker channels refuse users. */
  static accepts: IdentityKind = 'user';

  /** The Prisma client. */
  protected get db(): AppServices['db'] {
    return this.services.db;
  }

  /** The caller's account id. */
  protected get accountId(): string {
    return this.identity.accountId;
  }

  /** The connected user (throws NotFoundError for a worker connection, which rejects). */
  protected get user(): UserIdentity {
    if (this.identity.kind !== 'user') throw new NotFoundError('user identity required');
    return this.identity;
  }

  /** The connected worker (throws NotFoundError for a user connection). */
  protected get worker(): WorkerIdentity {
    if (this.identity.kind !== 'worker') throw new NotFoundError('worker identity required');
    return this.identity;
  }

  protected override beforeSubscribe(): void {
    const accepts = (this.constructor as typeof ApplicationChannel).accepts;
    if (accepts !== 'any' && this.identity.kind !== accepts) {
      this.logger.warn('identity kind refused', { code: 'CABLE_UNAUTHORIZED', kind: this.identity.kind });
      this.reject();
    }
  }

  /** Whether the caller holds `name` (system.admin implies all). */
  protected can(name: string): boolean {
    return hasPermission(this.identity, name);
  }

  /** Whether the caller holds any of `names`. */
  protected canAny(names: readonly string[]): boolean {
    return hasAnyPermission(this.identity, names);
  }

  /** Whether `accountId` is exactly the caller's account (Powernode `authorized_for_account?`). */
  protected ownsAccount(accountId: unknown): boolean {
    return typeof accountId === 'string' && accountId === this.identity.accountId;
  }

  /** A `{ id, accountId }` where-clause for an account-owned row; throws NotFoundError for a non-UUID id. */
  protected owned(id: unknown): { id: string; accountId: string } {
    return { id: this.uuid(id), accountId: this.identity.accountId };
  }

  /** `id` if it is a UUID, otherwise NotFoundError (before any query). */
  protected uuid(id: unknown): string {
    if (!isUuid(id)) throw new NotFoundError('malformed id');
    return id.toLowerCase();
  }

  /** `row` or NotFoundError. */
  protected found<T>(row: T | null | undefined, what = 'record'): T {
    if (row === null || row === undefined) throw new NotFoundError(`${what} not found`);
    return row;
  }

  /** The current timestamp string. */
  protected now(): string {
    return isoNow();
  }
}
