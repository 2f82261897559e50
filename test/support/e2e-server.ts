// The real server (src/main.ts startServer) on port 0 with a migrated, unseeded SQLite file in a temp directory,
// for channel end-to-end tests: URL building, tokens for users granted permissions through a fresh role, cleanup;
// and `e2eSuite`, which boots one for a file or describe block with a family's rows and closes its clients.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/prisma';
import { railsCable, type RailsCable } from './clients';
import { openRaw, type RawClient } from './ws-client';

/** What startServer returns. */
export type RunningServer = Awaited<ReturnType<typeof import('../../src/main').startServer>>;

/** A booted server and its helpers. */
export interface E2EServer {
  running: RunningServer;
  /** An access token of the existing user `userId`, granting `permissions` through a new role. */
  grantToken(userId: string, permissions?: string[]): Promise<string>;
  /** `ws://…/cable?token=…`. */
  urlFor(token: string): string;
  stop(): Promise<void>;
}

/** Boot the server on a fresh database (`label` names the temp directory), with `env` added to the test settings. */
export async function startE2EServer(label: string, extraEnv: Record<string, string> = {}): Promise<E2EServer> {
  const { startServer } = await import('../../src/main');
  const { signToken } = await import('../../src/auth/jwt');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-e2e-`));
  const env = { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: `file:${path.join(dir, 'x.db')}`, DATABASE_SEED: '0', ...extraEnv };
  const running = await startServer(env);
  return {
    running,
    async grantToken(userId, permissions = []) {
      const db = running.db;
      const role = await db.role.create({ data: { name: `role-${randomUUID()}` } });
      await db.userRole.create({ data: { userId, roleId: role.id } });
      for (const name of permissions) {
        const permission = await db.permission.upsert({ where: { name }, create: { name }, update: {} });
        await db.rolePermission.create({ data: { roleId: role.id, permissionId: permission.id } });
      }
      return signToken(running.config.jwt, { type: 'access', sub: userId, expiresInSeconds: 900 });
    },
    urlFor: (token) => `${running.url}?token=${encodeURIComponent(token)}`,
    async stop() {
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A family's real server for the tests of one file or describe block, with the rows of two accounts. */
export interface E2ESuite<R> extends E2EServer {
  own: R;
  foreign: R;
  /** An access token of a new active user of `accountId`, granting `permissions`. */
  newUserToken(accountId: string, permissions?: string[]): Promise<string>;
  /** A raw client with `token` (as Powernode's UI connects: `?token=`, no subprotocol; `query` appended), welcomed; closed after the test. */
  raw(token: string, query?: string): Promise<RawClient>;
  /** A @rails/actioncable consumer with `token`; disconnected after the test. */
  consumer(token: string): RailsCable;
}

/** Register the hooks: boot the server with `seed`'s rows for two accounts before all, close clients after each, stop after all. */
export function e2eSuite<R>(label: string, seed: (db: Db, name: string) => Promise<R>, extraEnv: Record<string, string> = {}): E2ESuite<R> {
  const raws: RawClient[] = [];
  const consumers: Array<{ disconnect(): void }> = [];
  const suite = {
    async newUserToken(accountId: string, permissions: string[] = []) {
      const user = await suite.running.db.user.create({ data: { accountId, email: `${randomUUID()}@e2e.test`, name: 'E2E', status: 'active' } });
      return suite.grantToken(user.id, permissions);
    },
    async raw(token: string, query = '') {
      const client = await openRaw(`${suite.urlFor(token)}${query}`);
      raws.push(client);
      await client.next((f) => f.type === 'welcome');
      return client;
    },
    consumer(token: string) {
      const consumer = railsCable().createConsumer(suite.urlFor(token));
      consumers.push(consumer);
      return consumer;
    },
  } as E2ESuite<R>;
  beforeAll(async () => {
    const server = await startE2EServer(label, extraEnv);
    Object.assign(suite, server, { own: await seed(server.running.db, 'E2E own'), foreign: await seed(server.running.db, 'E2E foreign') });
  });
  afterEach(async () => {
    consumers.splice(0).forEach((c) => c.disconnect());
    await Promise.all(raws.splice(0).map((c) => (c.close(), c.closed)));
  });
  afterAll(() => suite.stop());
  return suite;
}
