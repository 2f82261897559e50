// The real server (src/main.ts startServer) on port 0 with a migrated, unseeded SQLite file in a temp directory,
// for channel end-to-end tests: URL building, tokens for users granted permissions through a fresh role, cleanup.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
