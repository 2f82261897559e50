// Which of our servers the bench starts and with what credentials: `app` is `npm start` itself (dist/src/main.js on a
// temporary embedded SQLite database, migrated and seeded, tokens from `npm run demo:manifest`); `bench` is
// bench/server-entry.ts (assembleServer with a synthetic identity store and the bench-only channels).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { onExit, ROOT } from './children';
import { BENCH_JWT_SECRET, type BenchToken } from './messages';
import { benchTokens } from './tokens';

/** How our server is started for a run. */
export interface ServerSetup {
  kind: 'app' | 'bench';
  /** Extra environment for our server's child. */
  env: NodeJS.ProcessEnv;
  tokens: BenchToken[];
  /** A user with no permission at all (the abuse scenario's attacker); the first token when there is none. */
  zeroPermissionToken: BenchToken;
  /** An account-scoped channel identifier (`%a` = the token's account id). */
  accountIdentifier: string;
}

let cached: Promise<ServerSetup> | undefined;

/** Whether the database layer exists (the `app` server needs it). */
export function hasDatabaseLayer(): boolean {
  return fs.existsSync(path.join(ROOT, 'src', 'db', 'prisma.ts'));
}

/** The setup for `kind`, prepared once per bench invocation. */
export function serverSetup(kind: 'app' | 'bench'): Promise<ServerSetup> {
  if (kind === 'bench') {
    const tokens = benchTokens(1000);
    return Promise.resolve({ kind, env: {}, tokens, zeroPermissionToken: tokens[0] as BenchToken, accountIdentifier: '{"channel":"BenchAccountChannel"}' });
  }
  return (cached ??= prepareApp());
}

async function prepareApp(): Promise<ServerSetup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-bench-'));
  onExit(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { DATABASE_URL: `file:${path.join(dir, 'bench.db')}`, JWT_SECRET_KEY: BENCH_JWT_SECRET };
  // demo:manifest migrates and seeds the empty database, then prints every user with a fresh access token.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo-manifest.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  const manifest = JSON.parse(stdout) as Manifest;
  const tokens = activeUserTokens(manifest);
  if (tokens.length === 0) throw new Error('demo manifest has no active user in an active account');
  return { kind: 'app', env, tokens, zeroPermissionToken: activeUserTokens(manifest, (u) => u.permissions.length === 0)[0] ?? (tokens[0] as BenchToken), accountIdentifier: '{"channel":"NotificationChannel","account_id":"%a"}' };
}

interface ManifestUser {
  status: string;
  access_token: string;
  permissions: string[];
}

interface Manifest {
  accounts: Array<{ id: string; status: string; users: ManifestUser[] }>;
}

function activeUserTokens(manifest: Manifest, which: (u: ManifestUser) => boolean = () => true): BenchToken[] {
  const tokens = manifest.accounts
    .filter((a) => a.status === 'active')
    .flatMap((a) => a.users.filter((u) => u.status === 'active' && which(u)).map((u) => ({ token: u.access_token, account: a.id })));
  return tokens;
}
