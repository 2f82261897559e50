// Test support for the platform channels: a migrated and seeded SQLite database, a harness server over an
// in-memory pub/sub with the real job outbox, identities loaded as the authenticator builds them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { platformChannels } from '../../../channels/platform/index';
import { OutboxJobQueue } from '../../../channels/support/job-queue';
import type { AppServices, Broadcaster } from '../../../channels/support/services';
import { connectionIdentifierFor, type Identity, type UserIdentity } from '../../../src/auth/identity';
import { PrismaIdentityStore } from '../../../src/db/identity-store';
import { migrateDatabase } from '../../../src/db/migrate';
import { createPrisma, type Db } from '../../../src/db/prisma';
import { seedDemo, seedId } from '../../../src/db/seed';
import { encodeMessage } from '../../../src/protocol/codec';
import { MemoryAdapter } from '../../../src/pubsub/memory';
import { connectClient, createHarnessServer, type HarnessClient, type HarnessServer } from '../../../src/testing/channel-harness';

/** Seeded ids of one demo account. */
export interface DemoIds {
  account: string;
  owner: string;
  member: string;
  viewer: string;
  inactive: string;
  worker: string;
}

/** Ids of the seeded account `key` (acme, globex, initech). */
export function demo(key: string): DemoIds {
  const id = (k: string) => seedId(`${key}:${k}`);
  return { account: id('account'), owner: id('user:owner'), member: id('user:member'), viewer: id('user:viewer'), inactive: id('user:inactive'), worker: id('worker:worker') };
}

/** A database, a harness server and helpers for one test file. */
export interface PlatformEnv {
  db: Db;
  server: HarnessServer<AppServices>;
  broadcaster: Broadcaster;
  /** Connect a harness client as user `userId` (identity loaded from the database). */
  connectUser(userId: string): Promise<HarnessClient>;
  /** Connect a harness client as worker `workerId`. */
  connectWorker(workerId: string, accountId: string): Promise<HarnessClient>;
  /** The identity the authenticator would build for `userId`. */
  userIdentity(userId: string): Promise<UserIdentity>;
  close(): Promise<void>;
}

/** Create a migrated, seeded SQLite database and a harness server for the platform channels. */
export async function createPlatformEnv(): Promise<PlatformEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-channels-'));
  const url = `file:${path.join(dir, 'test.db')}`;
  await migrateDatabase(url);
  const db = await createPrisma(url);
  await seedDemo(db);
  const pubsub = new MemoryAdapter();
  const broadcaster: Broadcaster = { gidApp: 'server', broadcast: (s, m) => pubsub.broadcast(s, encodeMessage(m)) };
  const services: AppServices = { db, broadcaster, jobs: new OutboxJobQueue(db, broadcaster), side: null };
  const server = createHarnessServer(platformChannels, services, { pubsub, gidApp: 'server' });
  const store = new PrismaIdentityStore(db);
  const clients: HarnessClient[] = [];
  const userIdentity = async (userId: string): Promise<UserIdentity> => {
    const u = await store.findUser(userId);
    if (!u) throw new Error(`no user ${userId}`);
    return {
      kind: 'user', userId: u.id, accountId: u.accountId, email: u.email, name: u.name, roles: u.roles,
      permissions: new Set(u.permissions), connectionIdentifier: connectionIdentifierFor('server', 'user', u.id),
    };
  };
  const track = async (identity: Identity) => {
    const client = await connectClient(server, identity);
    clients.push(client);
    return client;
  };
  return {
    db, server, broadcaster, userIdentity,
    connectUser: async (userId) => track(await userIdentity(userId)),
    connectWorker: (workerId, accountId) =>
      track({ kind: 'worker', workerId, accountId, name: 'w', isSystem: false, permissions: new Set(['system.admin']), connectionIdentifier: 'w' }),
    async close() {
      for (const c of clients) await c.close();
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Give the memory pub/sub and the connection a turn to deliver. */
export function flush(): Promise<void> {
  return new Promise((r) => setImmediate(r));
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

/** The decoded messages `client` received for `params` whose `type` is `type`. */
export function ofType(client: HarnessClient, params: Record<string, unknown>, type: string): Array<Record<string, unknown>> {
  return client.received(params).filter((m) => (m as { type?: string }).type === type) as Array<Record<string, unknown>>;
}

/** The last message `client` received for `params`. */
export function last(client: HarnessClient, params: Record<string, unknown>): Record<string, unknown> {
  const all = client.received(params);
  return all[all.length - 1] as Record<string, unknown>;
}

/** The streams held by the subscription of `params` on `client`. */
export function streamsOf(client: HarnessClient, params: Record<string, unknown>): string[] {
  const subs = (client.connection as unknown as { subscriptions: { get(id: string): { streamNames: string[] } | undefined } }).subscriptions;
  return subs.get(JSON.stringify(params))?.streamNames ?? [];
}
