// Test support for the platform channels: the suite over a migrated and seeded SQLite database (channelSuite with
// the platform channels), identities of seeded users loaded as the authenticator builds them, seeded ids, grants.

import { platformChannels } from '../../../channels/platform/index';
import type { UserIdentity } from '../../../src/auth/identity';
import { PrismaIdentityStore } from '../../../src/db/identity-store';
import type { Db } from '../../../src/db/prisma';
import { testUser, type HarnessClient, type HarnessParams } from '../../../src/testing/index';
import { adminWorker, channelSuite, openSeededDb, seededIds, type SuiteHandle } from '../../support/channel-suite';
import type { TestDatabase } from '../../support/db';

/** Ids of the seeded account `key` (acme, globex, initech). */
export const demo = seededIds;
export type DemoIds = ReturnType<typeof seededIds>;

/** The seeded accounts the tests use. */
export const acme = demo('acme');
export const globex = demo('globex');

/** The seeded database and what a platform test file connects with. */
export interface PlatformEnv extends TestDatabase, SuiteHandle {
  /** Connect a harness client as the existing user `userId`, its identity loaded as the authenticator builds it. */
  connectUser(userId: string): Promise<HarnessClient>;
  /** Connect as the existing user `userId`, subscribe with each of `params` and expect every one confirmed. */
  subscribedUser(userId: string, ...params: HarnessParams[]): Promise<HarnessClient>;
  /** Connect as the existing user `userId` and expect every one of `params` refused. */
  refusesUser(userId: string, ...params: HarnessParams[]): Promise<void>;
  /** Connect as acme's seeded worker (holding system.admin: only its kind refuses it) and expect every one of `params` refused. */
  refusesWorker(...params: HarnessParams[]): Promise<void>;
}

/** Register a test file's hooks (channelSuite) over a migrated, seeded SQLite database and the platform channels. */
export function platformSuite(): PlatformEnv {
  const env = channelSuite(openSeededDb, platformChannels) as PlatformEnv;
  env.connectUser = async (userId) => env.connect(await userIdentity(env.db, userId));
  env.subscribedUser = async (userId, ...params) => env.subscribed(await userIdentity(env.db, userId), ...params);
  env.refusesUser = async (userId, ...params) => env.refuses(await userIdentity(env.db, userId), ...params);
  env.refusesWorker = (...params) => env.refuses(adminWorker(acme.account, acme.worker), ...params);
  return env;
}

/** The identity the authenticator would build for the existing user `userId`. */
async function userIdentity(db: Db, userId: string): Promise<UserIdentity> {
  const u = await new PrismaIdentityStore(db).findUser(userId);
  if (!u) throw new Error(`no user ${userId}`);
  return testUser(u.accountId, { userId: u.id, email: u.email, name: u.name, roles: u.roles, permissions: u.permissions });
}

/** Grant `names` to the existing user `userId` through a new role (connect afterwards: identities load at connect). */
export async function grantPermissions(db: Db, userId: string, names: readonly string[]): Promise<void> {
  const role = await db.role.create({ data: { name: `grant-${userId}-${Date.now()}-${Math.random()}` } });
  for (const name of names) {
    const permission = await db.permission.upsert({ where: { name }, create: { name }, update: {} });
    await db.rolePermission.create({ data: { roleId: role.id, permissionId: permission.id } });
  }
  await db.userRole.create({ data: { userId, roleId: role.id } });
}

/** Create a platform administrator in `accountId`: role `super_admin` granting `admin.access`. */
export async function createPlatformAdmin(db: Db, accountId: string): Promise<string> {
  const permission = await db.permission.upsert({ where: { name: 'admin.access' }, create: { name: 'admin.access' }, update: {} });
  const analytics = await db.permission.upsert({ where: { name: 'analytics.view' }, create: { name: 'analytics.view' }, update: {} });
  const role = await db.role.upsert({ where: { name: 'super_admin' }, create: { name: 'super_admin' }, update: {} });
  for (const p of [permission, analytics]) {
    await db.rolePermission.upsert({ where: { roleId_permissionId: { roleId: role.id, permissionId: p.id } }, create: { roleId: role.id, permissionId: p.id }, update: {} });
  }
  const user = await db.user.create({ data: { accountId, email: `root-${Date.now()}-${Math.random()}@platform.example`, name: 'Platform Admin' } });
  await db.userRole.create({ data: { userId: user.id, roleId: role.id } });
  return user.id;
}
