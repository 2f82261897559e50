// Authorization data on both databases: worker permissions through worker_roles, `system.admin` implying every
// permission once the identity is loaded by the real Authenticator, and the batched revocation query
// (PrismaIdentityStore.revocationState) against deactivated users, a suspended account, revoked and suspended
// workers, blacklisted jtis and revoked legacy user_tokens rows.

import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config';
import { Authenticator } from '../../src/auth/authenticator';
import { hasAnyPermission, hasPermission, type Identity } from '../../src/auth/identity';
import { signToken, tokenDigest } from '../../src/auth/jwt';
import { RevocationMonitor } from '../../src/connection/revocation';
import { silentLogger } from '../../src/log/logger';
import { PrismaIdentityStore } from '../../src/db/identity-store';
import { permissionNamesFor } from '../../src/db/permissions';
import type { Db } from '../../src/db/prisma';
import { createTestDatabase, describeProvider, type TestDatabase } from '../support/db';

const jwt = loadConfig({ NODE_ENV: 'test' }).jwt;

async function role(db: Db, name: string, permissions: string[]): Promise<string> {
  const r = await db.role.create({ data: { name } });
  for (const p of permissions) {
    const perm = await db.permission.upsert({ where: { name: p }, create: { name: p }, update: {} });
    await db.rolePermission.create({ data: { roleId: r.id, permissionId: perm.id } });
  }
  return r.id;
}

async function user(db: Db, accountId: string, roleIds: string[] = []): Promise<string> {
  const u = await db.user.create({ data: { accountId, email: `${randomUUID()}@authz.test` } });
  for (const roleId of roleIds) await db.userRole.create({ data: { userId: u.id, roleId } });
  return u.id;
}

async function worker(db: Db, accountId: string, roleIds: string[] = [], isSystem = false): Promise<string> {
  const w = await db.worker.create({ data: { accountId, name: `worker-${randomUUID().slice(0, 8)}`, isSystem } });
  for (const roleId of roleIds) await db.workerRole.create({ data: { workerId: w.id, roleId } });
  return w.id;
}

describeProvider('authorization data', (provider) => {
  let t: TestDatabase;
  let acct: string;
  let roles: { admin: string; member: string; workerRole: string; extra: string };
  // A fresh authenticator per look-up: the store caches identities for a second.
  const authenticate = (type: 'access' | 'worker', sub: string): Promise<Identity> =>
    new Authenticator(new PrismaIdentityStore(t.db), jwt, 'server').authenticate({ token: signToken(jwt, { type, sub, expiresInSeconds: 300, jti: type === 'worker' ? null : undefined }) });

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    acct = (await t.db.account.create({ data: { name: 'Umbrella' } })).id;
    roles = {
      admin: await role(t.db, 'authz-admin', ['system.admin']),
      member: await role(t.db, 'authz-member', ['analytics.view']),
      workerRole: await role(t.db, 'authz-worker', ['ai.agents.read', 'git.pipelines.logs']),
      extra: await role(t.db, 'authz-extra', ['ai.monitor', 'analytics.view']),
    };
  });
  afterAll(async () => {
    await t.cleanup();
  });

  describe('worker permissions', () => {
    it('loads a worker’s permissions through worker_roles, none without a role', async () => {
      const withRole = await worker(t.db, acct, [roles.workerRole]);
      const bare = await worker(t.db, acct);
      const store = new PrismaIdentityStore(t.db);
      expect((await store.findWorker(withRole))?.permissions.sort()).toEqual(['ai.agents.read', 'git.pipelines.logs']);
      expect((await store.findWorker(bare))?.permissions).toEqual([]);
      expect(await permissionNamesFor(t.db, { workerId: withRole })).toEqual(new Set(['ai.agents.read', 'git.pipelines.logs']));
      const identity = await authenticate('worker', withRole);
      expect(identity.kind).toBe('worker');
      expect(hasPermission(identity, 'git.pipelines.logs')).toBe(true);
      expect(hasPermission(identity, 'analytics.view')).toBe(false);
      expect(hasPermission(await authenticate('worker', bare), 'ai.agents.read')).toBe(false);
    });

    it('does not give a worker the permissions of a user role it does not hold', async () => {
      const w = await worker(t.db, acct, [roles.member]);
      await user(t.db, acct, [roles.admin]);
      const identity = await authenticate('worker', w);
      expect([...identity.permissions]).toEqual(['analytics.view']);
      expect(hasPermission(identity, 'system.admin')).toBe(false);
    });
  });

  describe('hasPermission', () => {
    it('lets system.admin imply every permission name, for users and workers', async () => {
      const admin = await authenticate('access', await user(t.db, acct, [roles.admin]));
      expect([...admin.permissions]).toEqual(['system.admin']);
      for (const name of ['analytics.view', 'ai.monitor', 'git.pipelines.logs', 'no.such.permission']) expect([name, hasPermission(admin, name)]).toEqual([name, true]);
      expect(hasAnyPermission(admin, ['no.such.permission'])).toBe(true);
      const adminWorker = await authenticate('worker', await worker(t.db, acct, [roles.admin]));
      expect(hasPermission(adminWorker, 'ai.providers.read')).toBe(true);
    });

    it('grants a user without system.admin exactly the union of its roles', async () => {
      const member = await authenticate('access', await user(t.db, acct, [roles.member, roles.extra]));
      expect([...member.permissions].sort()).toEqual(['ai.monitor', 'analytics.view']);
      expect(hasPermission(member, 'analytics.view')).toBe(true);
      expect(hasPermission(member, 'ai.monitor')).toBe(true);
      expect(hasPermission(member, 'system.admin')).toBe(false);
      expect(hasPermission(member, 'git.pipelines.logs')).toBe(false);
      expect(hasAnyPermission(member, ['git.pipelines.logs', 'ai.monitor'])).toBe(true);
      expect(hasAnyPermission(member, ['git.pipelines.logs', 'admin.access'])).toBe(false);
      const nobody = await authenticate('access', await user(t.db, acct));
      expect(nobody.permissions.size).toBe(0);
    });
  });

  describe('revocationState', () => {
    it('reads deactivated users, a suspended account, revoked and suspended workers and blacklisted jtis from the tables', async () => {
      const other = (await t.db.account.create({ data: { name: 'Soon Suspended' } })).id;
      const ids = {
        activeUser: await user(t.db, acct),
        deactivatedUser: await user(t.db, acct),
        revokedUser: await user(t.db, acct),
        suspendedAccountUser: await user(t.db, other),
        activeWorker: await worker(t.db, acct),
        revokedWorker: await worker(t.db, acct),
        suspendedWorker: await worker(t.db, acct),
        suspendedAccountWorker: await worker(t.db, other),
        systemWorker: await worker(t.db, other, [], true),
      };
      const jtis = ['jti-live', 'jti-blacklisted', 'jti-blacklist-expired'];
      const query = {
        jtis,
        userIds: [ids.activeUser, ids.deactivatedUser, ids.revokedUser, ids.suspendedAccountUser, 'not-a-uuid'],
        workerIds: [ids.activeWorker, ids.revokedWorker, ids.suspendedWorker, ids.suspendedAccountWorker, ids.systemWorker, "x' OR '1'='1"],
      };
      const before = await new PrismaIdentityStore(t.db).revocationState(query);
      expect(before.activeUsers).toEqual(new Set([ids.activeUser, ids.deactivatedUser, ids.revokedUser, ids.suspendedAccountUser]));
      expect(before.activeWorkers.size).toBe(5);
      expect(before.revokedJtis.size + before.userRevokedAt.size).toBe(0);

      const hour = 3600_000;
      await t.db.user.update({ where: { id: ids.deactivatedUser }, data: { status: 'inactive' } });
      await t.db.account.update({ where: { id: other }, data: { status: 'suspended' } });
      await t.db.worker.update({ where: { id: ids.revokedWorker }, data: { status: 'revoked' } });
      await t.db.worker.update({ where: { id: ids.suspendedWorker }, data: { status: 'suspended' } });
      await t.db.jwtBlacklist.create({ data: { jti: 'jti-blacklisted', expiresAt: new Date(Date.now() + hour) } });
      await t.db.jwtBlacklist.create({ data: { jti: 'jti-blacklist-expired', expiresAt: new Date(Date.now() - hour) } });
      const revokedAt = new Date(Date.now() - 1000);
      await t.db.jwtBlacklist.create({ data: { jti: `user_blacklist_${ids.revokedUser}`, userId: ids.revokedUser, userBlacklist: true, expiresAt: new Date(Date.now() + hour), createdAt: revokedAt } });

      const after = await new PrismaIdentityStore(t.db).revocationState(query);
      expect(after.activeUsers).toEqual(new Set([ids.activeUser, ids.revokedUser]));
      expect(after.activeWorkers).toEqual(new Set([ids.activeWorker, ids.systemWorker]));
      expect(after.revokedJtis).toEqual(new Set(['jti-blacklisted']));
      expect([...after.userRevokedAt.keys()]).toEqual([ids.revokedUser]);
      expect(after.userRevokedAt.get(ids.revokedUser)?.getTime()).toBe(revokedAt.getTime());
    });

    it('ignores non-UUID ids (never sent to a uuid column) and answers an empty state', async () => {
      const state = await new PrismaIdentityStore(t.db).revocationState({ jtis: [], userIds: ['nope'], workerIds: [], legacyDigests: ['not-a-digest'] });
      expect(state).toEqual({ revokedJtis: new Set(), userRevokedAt: new Map(), activeUsers: new Set(), activeWorkers: new Set(), liveLegacyTokens: new Set() });
    });

    it('closes a socket opened with a legacy user token once its user_tokens row is revoked', async () => {
      const owner = await user(t.db, acct);
      const hour = 3600_000;
      const opaque = (label: string) => `legacy-${label}-${randomUUID()}`;
      const tokens = { live: opaque('live'), revoked: opaque('revoked'), expired: opaque('expired'), refresh: opaque('refresh') };
      const row = (token: string, extra: Record<string, unknown> = {}) =>
        t.db.userToken.create({ data: { userId: owner, tokenDigest: tokenDigest(token), expiresAt: new Date(Date.now() + hour), ...extra } });
      await row(tokens.live);
      await row(tokens.revoked);
      await row(tokens.expired);
      await row(tokens.refresh, { tokenType: 'refresh' });
      const store = new PrismaIdentityStore(t.db);
      // Connected with the live and the soon-revoked token (the others are refused at connect).
      const auth = new Authenticator(store, jwt, 'server');
      const onLive = await auth.authenticate({ token: tokens.live });
      const onRevoked = await auth.authenticate({ token: tokens.revoked });
      expect(onRevoked.legacyTokenDigest).toBe(tokenDigest(tokens.revoked));
      await t.db.userToken.update({ where: { tokenDigest: tokenDigest(tokens.revoked) }, data: { revokedAt: new Date() } });
      await t.db.userToken.update({ where: { tokenDigest: tokenDigest(tokens.expired) }, data: { expiresAt: new Date(Date.now() - 1000) } });

      const digests = Object.values(tokens).map(tokenDigest);
      const state = await store.revocationState({ jtis: [], userIds: [owner], workerIds: [], legacyDigests: digests });
      expect(state.liveLegacyTokens).toEqual(new Set([tokenDigest(tokens.live)]));

      const sockets = [onLive, onRevoked].map((identity) => ({ isOpen: true, maybeIdentity: identity, closedWith: '' as string, disconnect(reason: string) { this.closedWith = reason; this.isOpen = false; } }));
      const monitor = new RevocationMonitor(store, () => sockets, 60_000, silentLogger);
      expect(await monitor.check()).toBe(1);
      expect(sockets.map((s) => s.closedWith)).toEqual(['', 'unauthorized']);
    });
  });
});
