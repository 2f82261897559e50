// The bench's IdentityStore: synthesizes active users `bench-user-<n>` in accounts `bench-acct-<n % 10>` without a
// database, so the server can authenticate any number of signed tokens. Used until the Prisma store exists.

import type { IdentityStore, LegacyTokenRecord, RevocationQuery, RevocationState, UserRecord, WorkerRecord } from '../src/auth/store';

const ACCOUNTS = 10;
const USER_ID = /^bench-user-(\d+)$/;

/** The user id of bench user `n`. */
export function benchUserId(n: number): string {
  return `bench-user-${n}`;
}

/** The account of bench user `n`. */
export function benchAccountOf(n: number): string {
  return `bench-acct-${n % ACCOUNTS}`;
}

/** Every `bench-user-<n>` exists and is active; nothing is revoked. */
export class BenchIdentityStore implements IdentityStore {
  async findUser(id: string): Promise<UserRecord | null> {
    const n = USER_ID.exec(id)?.[1];
    if (n === undefined) return null;
    const accountId = benchAccountOf(Number(n));
    return { id, accountId, email: `${id}@bench.invalid`, name: id, status: 'active', accountStatus: 'active', roles: [], permissions: [] };
  }
  async findWorker(): Promise<WorkerRecord | null> {
    return null;
  }
  async findLegacyToken(): Promise<LegacyTokenRecord | null> {
    return null;
  }
  async touchLegacyToken(): Promise<void> {}
  async isJtiRevoked(): Promise<boolean> {
    return false;
  }
  async userRevokedAt(): Promise<Date | null> {
    return null;
  }
  async revocationState(q: RevocationQuery): Promise<RevocationState> {
    return { revokedJtis: new Set(), userRevokedAt: new Map(), activeUsers: new Set(q.userIds.filter((id) => USER_ID.test(id))), activeWorkers: new Set(), liveLegacyTokens: new Set() };
  }
}
