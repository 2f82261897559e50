// PrismaIdentityStore: the IdentityStore of src/auth over Powernode's identity tables (users, accounts, roles,
// permissions, workers, user_tokens, jwt_blacklists). Ids that are not UUIDs never reach the database, concurrent
// look-ups of one user are coalesced and cached for a second (connection storms), and every revocation fact
// for all open sockets is read in three batched queries.

import type { IdentityStore, LegacyTokenRecord, RevocationQuery, RevocationState, UserRecord, WorkerRecord } from '../auth/store';
import type { Db } from './prisma';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_REVOCATION_PREFIX = 'user_blacklist_';

const roleInclude = { role: { include: { permissions: { include: { permission: true } } } } } as const;
type RoleRow = { role: { name: string; permissions: Array<{ permission: { name: string } }> } };

function namesOf(roles: RoleRow[]): { roles: string[]; permissions: string[] } {
  return {
    roles: roles.map((r) => r.role.name),
    permissions: [...new Set(roles.flatMap((r) => r.role.permissions.map((p) => p.permission.name)))],
  };
}

/** A short-lived cache that also coalesces concurrent look-ups of the same key. */
class ShortCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; at: number }>();
  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.entries.set(key, { value, at: Date.now() });
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > 10_000) this.entries.clear();
    return value;
  }
}

/** Collects the keys asked for within one tick and loads them with one query (a connection storm is a few queries). */
class Batcher<V> {
  private queue = new Map<string, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
  private scheduled = false;

  constructor(private readonly load: (keys: string[]) => Promise<Map<string, V>>, private readonly maxBatch = 1000) {}

  get(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.queue.get(key) ?? [];
      waiters.push({ resolve, reject });
      this.queue.set(key, waiters);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxBatch) {
      const chunk = keys.slice(i, i + this.maxBatch);
      try {
        const found = await this.load(chunk);
        for (const k of chunk) for (const w of batch.get(k) ?? []) w.resolve(found.get(k));
      } catch (err) {
        for (const k of chunk) for (const w of batch.get(k) ?? []) w.reject(err);
      }
    }
  }
}

/** IdentityStore over Prisma. */
export class PrismaIdentityStore implements IdentityStore {
  private readonly users = new ShortCache<UserRecord | null>(1000);
  private readonly workers = new ShortCache<WorkerRecord | null>(1000);
  private readonly blacklist = new ShortCache<Date | null>(1000);
  private readonly userBatch: Batcher<UserRecord>;
  private readonly blacklistBatch: Batcher<{ createdAt: Date; userBlacklist: boolean }>;

  constructor(private readonly db: Db) {
    this.userBatch = new Batcher(async (ids) => {
      const rows = await this.db.user.findMany({ where: { id: { in: ids } }, include: { account: true, roles: { include: roleInclude } } });
      return new Map(rows.map((u) => [u.id, { id: u.id, accountId: u.accountId, email: u.email, name: u.name || u.email, status: u.status, accountStatus: u.account.status, ...namesOf(u.roles) }]));
    });
    this.blacklistBatch = new Batcher(async (keys) => {
      const rows = await this.db.jwtBlacklist.findMany({ where: { jti: { in: keys }, expiresAt: { gt: new Date() } }, select: { jti: true, createdAt: true, userBlacklist: true } });
      return new Map(rows.map((r) => [r.jti, { createdAt: r.createdAt, userBlacklist: r.userBlacklist }]));
    });
  }

  findUser(id: string): Promise<UserRecord | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.users.get(id, async () => (await this.userBatch.get(id)) ?? null);
  }

  findWorker(id: string): Promise<WorkerRecord | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.workers.get(id, async () => {
      const w = await this.db.worker.findUnique({ where: { id }, include: { account: true, roles: { include: roleInclude } } });
      if (!w) return null;
      return { id: w.id, accountId: w.accountId, name: w.name, isSystem: w.isSystem, status: w.status, accountStatus: w.account.status, permissions: namesOf(w.roles).permissions };
    });
  }

  async findLegacyToken(digest: string): Promise<LegacyTokenRecord | null> {
    if (!/^[0-9a-f]{64}$/.test(digest)) return null;
    const t = await this.db.userToken.findUnique({ where: { tokenDigest: digest } });
    return t ? { userId: t.userId, tokenType: t.tokenType, expiresAt: t.expiresAt, revokedAt: t.revokedAt } : null;
  }

  async touchLegacyToken(digest: string, ip: string | undefined, userAgent: string | undefined): Promise<void> {
    await this.db.userToken.update({ where: { tokenDigest: digest }, data: { lastUsedAt: new Date(), lastUsedIp: ip ?? null, userAgent: userAgent ?? null } });
  }

  async isJtiRevoked(jti: string): Promise<boolean> {
    return (await this.blacklisted(jti)) !== null;
  }

  async userRevokedAt(userId: string): Promise<Date | null> {
    return this.blacklisted(`${USER_REVOCATION_PREFIX}${userId}`, true);
  }

  /** When `key` was blacklisted (null if not); batched per tick and cached for a second (the recheck catches later revocations). */
  private blacklisted(key: string, userWide = false): Promise<Date | null> {
    return this.blacklist.get(`${userWide}:${key}`, async () => {
      const row = await this.blacklistBatch.get(key);
      return row && (!userWide || row.userBlacklist) ? row.createdAt : null;
    });
  }

  async revocationState(q: RevocationQuery): Promise<RevocationState> {
    const now = new Date();
    const userIds = q.userIds.filter((id) => UUID.test(id));
    const workerIds = q.workerIds.filter((id) => UUID.test(id));
    const blacklistKeys = [...q.jtis, ...userIds.map((id) => `${USER_REVOCATION_PREFIX}${id}`)];
    const digests = (q.legacyDigests ?? []).filter((d) => /^[0-9a-f]{64}$/.test(d));
    const [blacklisted, users, workers, legacy] = await Promise.all([
      blacklistKeys.length ? this.db.jwtBlacklist.findMany({ where: { jti: { in: blacklistKeys }, expiresAt: { gt: now } } }) : [],
      userIds.length ? this.db.user.findMany({ where: { id: { in: userIds }, status: 'active', account: { status: 'active' } }, select: { id: true } }) : [],
      workerIds.length ? this.db.worker.findMany({ where: { id: { in: workerIds }, status: 'active' }, select: { id: true, isSystem: true, account: { select: { status: true } } } }) : [],
      digests.length ? this.db.userToken.findMany({ where: { tokenDigest: { in: digests }, revokedAt: null, expiresAt: { gt: now }, tokenType: { not: 'refresh' } }, select: { tokenDigest: true } }) : [],
    ]);
    const state: RevocationState = { revokedJtis: new Set(), userRevokedAt: new Map(), activeUsers: new Set(users.map((u) => u.id)), activeWorkers: new Set(), liveLegacyTokens: new Set(legacy.map((t) => t.tokenDigest)) };
    for (const w of workers) if (w.isSystem || w.account.status === 'active') state.activeWorkers.add(w.id);
    for (const b of blacklisted) {
      if (b.userBlacklist && b.jti.startsWith(USER_REVOCATION_PREFIX)) state.userRevokedAt.set(b.jti.slice(USER_REVOCATION_PREFIX.length), b.createdAt);
      else state.revokedJtis.add(b.jti);
    }
    return state;
  }
}
