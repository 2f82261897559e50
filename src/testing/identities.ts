// Identities for channel tests, shaped as the authenticator builds them: a user or a worker of an account with the
// permissions a test names, a fresh id unless one is given, and the Rails connection identifier of that id.

import { randomUUID } from 'node:crypto';
import { connectionIdentifierFor, type UserIdentity, type WorkerIdentity } from '../auth/identity';

/** What a test may set on a user identity; everything else has a plain default. */
export interface TestUserOptions {
  userId?: string;
  permissions?: readonly string[];
  name?: string;
  email?: string;
  roles?: readonly string[];
}

/** What a test may set on a worker identity. */
export interface TestWorkerOptions {
  workerId?: string;
  permissions?: readonly string[];
  name?: string;
  isSystem?: boolean;
}

/** A user of `accountId` (a fresh id unless `userId`), holding `permissions` (none by default). */
export function testUser(accountId: string, opts: TestUserOptions = {}): UserIdentity {
  const userId = opts.userId ?? randomUUID();
  return {
    kind: 'user', userId, accountId, email: opts.email ?? `${userId}@example.test`, name: opts.name ?? 'Test User', roles: opts.roles ?? ['member'],
    permissions: new Set(opts.permissions ?? []), connectionIdentifier: connectionIdentifierFor('server', 'user', userId),
  };
}

/** A worker of `accountId` (a fresh id unless `workerId`), an account worker unless `isSystem`, holding `permissions`. */
export function testWorker(accountId: string, opts: TestWorkerOptions = {}): WorkerIdentity {
  const workerId = opts.workerId ?? randomUUID();
  return {
    kind: 'worker', workerId, accountId, name: opts.name ?? 'worker', isSystem: opts.isSystem ?? false,
    permissions: new Set(opts.permissions ?? []), connectionIdentifier: connectionIdentifierFor('server', 'worker', workerId),
  };
}
