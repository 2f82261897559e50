// Hand-written IdentityStore fake for connection/auth tests that do not need a database.

import type { IdentityStore, LegacyTokenRecord, RevocationQuery, RevocationState, UserRecord, WorkerRecord } from '../../src/auth/store';

/** An in-memory IdentityStore with mutable rows. */
export class FakeIdentityStore implements IdentityStore {
  users = new Map<string, UserRecord>();
  workers = new Map<string, WorkerRecord>();
  legacy = new Map<string, LegacyTokenRecord>();
  revokedJtis = new Set<string>();
  userRevocations = new Map<string, Date>();
  failing = false;

  addUser(u: Partial<UserRecord> & { id: string }): UserRecord {
    const row: UserRecord = { accountId: 'acct-1', email: `${u.id}@example.com`, name: u.id, status: 'active', accountStatus: 'active', roles: [], permissions: [], ...u };
    this.users.set(row.id, row);
    return row;
  }

  addWorker(w: Partial<WorkerRecord> & { id: string }): WorkerRecord {
    const row: WorkerRecord = { accountId: 'acct-1', name: w.id, isSystem: false, status: 'active', accountStatus: 'active', permissions: [], ...w };
    this.workers.set(row.id, row);
    return row;
  }

  async findUser(id: string): Promise<UserRecord | null> {
    return this.users.get(id) ?? null;
  }
  async findWorker(id: string): Promise<WorkerRecord | null> {
    return this.workers.get(id) ?? null;
  }
  async findLegacyToken(digest: string): Promise<LegacyTokenRecord | null> {
    return this.legacy.get(digest) ?? null;
  }
  async touchLegacyToken(): Promise<void> {}
  async isJtiRevoked(jti: string): Promise<boolean> {
    if (this.failing) throw new Error('blacklist unavailable');
    return this.revokedJtis.has(jti);
  }
  async userRevokedAt(userId: string): Promise<Date | null> {
    return this.userRevocations.get(userId) ?? null;
  }
  async revocationState(q: RevocationQuery): Promise<RevocationState> {
    const activeUser = (id: string) => {
      const u = this.users.get(id);
      return !!u && u.status === 'active' && u.accountStatus === 'active';
    };
    return {
      revokedJtis: new Set(q.jtis.filter((j) => this.revokedJtis.has(j))),
      userRevokedAt: new Map(q.userIds.flatMap((id) => (this.userRevocations.has(id) ? [[id, this.userRevocations.get(id) as Date] as const] : []))),
      activeUsers: new Set(q.userIds.filter(activeUser)),
      activeWorkers: new Set(q.workerIds.filter((id) => this.workers.get(id)?.status === 'active')),
      liveLegacyTokens: new Set((q.legacyDigests ?? []).filter((d) => {
        const t = this.legacy.get(d);
        return !!t && !t.revokedAt && !!t.expiresAt && t.expiresAt.getTime() > Date.now() && t.tokenType !== 'refresh';
      })),
    };
  }
}
