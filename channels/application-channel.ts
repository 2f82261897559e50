// ApplicationChannel: the shared guards of every Powernode channel (docs/original-differences.md): identity kind,
// account scoping in the query itself, UUID validation before the database, permission checks (write actions
// refused before they run), and the ISO-8601 second-precision timestamps Powernode's payloads carry.

import { Channel, NotFoundError, type PresenceEntry, type PresenceRequest } from '../src/channel/index';
import { hasAnyPermission, hasPermission, type Identity, type UserIdentity, type WorkerIdentity } from '../src/auth/identity';
import type { AppServices } from './support/services';

/** Which identities a channel accepts. */
export type IdentityKind = 'user' | 'worker' | 'any';

/** The permission a write action needs: one name, or a list the caller must hold all of. */
export type Requirement = string | readonly string[];

/** The names of `requirement` as a list. */
export function requiredNames(requirement: Requirement): readonly string[] {
  return typeof requirement === 'string' ? [requirement] : requirement;
}

/** Powernode's refusal text (`require_permission`): `Permission denied: <name>[, <name>…]`. */
export function permissionDenied(names: readonly string[]): string {
  return `Permission denied: ${names.join(', ')}`;
}

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

  /** Whether a dashboard session opened with the operator key (`identity.operator`) may subscribe: OperatorChannel only. */
  static acceptsOperator = false;

  /**
   * Every action that writes, queues work or publishes on the caller's behalf, with the permission the Powernode REST
   * endpoint for the same operation requires (docs/channels.md, "Who may write"). Checked before the action's data
   * is read; a refusal writes nothing, is logged at warn and answered by `refuse`.
   */
  static writePermissions: Readonly<Record<string, Requirement>> = {};

  /** The same for commands an action dispatches itself (McpChannel's `json_rpc_request` methods); that action checks them. */
  static commandPermissions: Readonly<Record<string, Readonly<Record<string, Requirement>>>> = {};

  /**
   * Who a client's presence `join` says is here: always the connected user (or worker) with the name the server
   * knows, whatever id or name the client sent; other fields of an info object the client sent are kept.
   */
  protected override presenceFor(request: PresenceRequest): PresenceEntry {
    const extra = typeof request.info === 'object' && request.info !== null && !Array.isArray(request.info) ? (request.info as Record<string, unknown>) : {};
    const who = this.identity;
    return who.kind === 'user'
      ? { id: who.userId, info: { ...extra, kind: 'user', name: who.name || who.email } }
      : { id: who.workerId, info: { ...extra, kind: 'worker', name: who.name } };
  }

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
    if (this.identity.operator && !(this.constructor as typeof ApplicationChannel).acceptsOperator) {
      this.logger.warn('operator session refused', { code: 'CABLE_SUBSCRIPTION_REFUSED' });
      return this.reject();
    }
    if (accepts !== 'any' && this.identity.kind !== accepts) {
      this.logger.warn('identity kind refused', { code: 'CABLE_SUBSCRIPTION_REFUSED', kind: this.identity.kind });
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

  /** The permissions of `requirement` the caller lacks for `action` (empty when none is needed or all are held); logs a refusal at warn. */
  protected lacking(action: string, requirement: Requirement | undefined): readonly string[] {
    const missing = requirement === undefined ? [] : requiredNames(requirement).filter((name) => !this.can(name));
    if (missing.length > 0) {
      const channel = (this.constructor as typeof ApplicationChannel).channel;
      this.logger.warn('action refused: permission missing', { code: 'CABLE_ACTION_REFUSED', channel, action, permissions: missing });
    }
    return missing;
  }

  /** Lets a write action run only when the caller holds its `writePermissions` entry; otherwise refuses it. */
  protected override async beforeAction(action: string, data: Record<string, unknown>): Promise<boolean> {
    const table = (this.constructor as typeof ApplicationChannel).writePermissions;
    const missing = this.lacking(action, Object.prototype.hasOwnProperty.call(table, action) ? table[action] : undefined);
    if (missing.length === 0) return true;
    await this.refuse(action, missing, data);
    return false;
  }

  /** Answer an action refused for lacking `permissions` with the channel's error frame (the default sends nothing). */
  protected refuse(_action: string, _permissions: readonly string[], _data: Record<string, unknown>): void | Promise<void> {}

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
