// PrismaIdentityStore on both databases: users and workers with permissions through roles, blacklisted jtis and
// user-wide revocations, batched look-ups under a burst of concurrent connects, and the batched revocation state.

import { randomUUID } from 'node:crypto';
import { PrismaIdentityStore } from '../../src/db/identity-store';
import { createTestDatabase, describeProvider, type TestDatabase } from '../support/db';

describeProvider('PrismaIdentityStore', (provider) => {
  let t: TestDatabase;
  let store: PrismaIdentityStore;
  let owner: { id: string; accountId: string };
  let worker: { id: string };
  beforeAll(async () => {
    t = await createTestDatabase(provider, { seed: true });
    store = new PrismaIdentityStore(t.db);
    owner = await t.db.user.findUniqueOrThrow({ where: { email: 'owner@acme.example' } });
    worker = await t.db.worker.findFirstOrThrow({ where: { accountId: owner.accountId, status: 'active' } });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('loads a user with account status, roles and permissions, and refuses non-UUID ids without a query', async () => {
    const u = await store.findUser(owner.id);
    expect(u).toMatchObject({ id: owner.id, accountId: owner.accountId, status: 'active', accountStatus: 'active' });
    expect(u?.permissions).toContain('system.admin');
    expect(await store.findUser('not-a-uuid')).toBeNull();
    expect(await store.findUser(randomUUID())).toBeNull();
    expect(await store.findWorker(worker.id)).toMatchObject({ id: worker.id, status: 'active' });
  });

  it('answers a burst of concurrent look-ups correctly (batched per tick)', async () => {
    const jtis = Array.from({ length: 200 }, (_, i) => `burst-${provider}-${i}`);
    await t.db.jwtBlacklist.create({ data: { jti: jtis[7] as string, expiresAt: new Date(Date.now() + 3600_000) } });
    const [revoked, users] = await Promise.all([Promise.all(jtis.map((j) => store.isJtiRevoked(j))), Promise.all(Array.from({ length: 50 }, () => store.findUser(owner.id)))]);
    expect(revoked.filter(Boolean)).toHaveLength(1);
    expect(revoked[7]).toBe(true);
    expect(users.every((u) => u?.id === owner.id)).toBe(true);
  });

  it('reports a user-wide revocation with its time and ignores expired blacklist rows', async () => {
    await t.db.jwtBlacklist.create({ data: { jti: `user_blacklist_${owner.id}`, userId: owner.id, userBlacklist: true, expiresAt: new Date(Date.now() + 3600_000) } });
    await t.db.jwtBlacklist.create({ data: { jti: `expired-${provider}`, expiresAt: new Date(Date.now() - 1000) } });
    expect(await store.userRevokedAt(owner.id)).toBeInstanceOf(Date);
    expect(await store.isJtiRevoked(`expired-${provider}`)).toBe(false);
    const state = await store.revocationState({ jtis: [`expired-${provider}`], userIds: [owner.id], workerIds: [worker.id] });
    expect(state.userRevokedAt.has(owner.id)).toBe(true);
    expect(state.revokedJtis.size).toBe(0);
    expect(state.activeUsers.has(owner.id)).toBe(true);
    expect(state.activeWorkers.has(worker.id)).toBe(true);
  });
});
