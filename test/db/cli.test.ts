// The database CLI scripts as `npm run` runs them (`tsx scripts/…`), against a temporary SQLite file: db:migrate
// applies the migrations once, db:seed is idempotent, demo:manifest prints only JSON whose tokens verify with the
// configured JWT settings (and migrates and seeds an empty database by itself).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { verifyToken } from '../../src/auth/jwt';
import { createPrisma } from '../../src/db/prisma';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'cli-test-secret-0123456789';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON log lines written to stderr. */
  logs: Array<Record<string, unknown>>;
}

function run(script: string, databaseUrl: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, JWT_SECRET_KEY: SECRET, PORT: '4567', LOG_LEVEL: 'info', NODE_ENV: 'development' };
  delete env.DATABASE_AUTO_MIGRATE;
  delete env.DATABASE_SEED;
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const logs = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, stdout, stderr, logs });
    });
  });
}

const logOf = (r: Run, msg: string) => r.logs.find((l) => l.msg === msg);

describe('database CLI scripts', () => {
  let dir: string;
  let url: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-cli-'));
    url = `file:${path.join(dir, 'cli.db')}`;
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are the files npm run uses', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect([scripts['db:migrate'], scripts['db:seed'], scripts['demo:manifest']]).toEqual(['tsx scripts/db-migrate.ts', 'tsx scripts/db-seed.ts', 'tsx scripts/demo-manifest.ts']);
  });

  it('db:migrate applies every migration to a fresh file, then finds nothing to do', async () => {
    const first = await run('scripts/db-migrate.ts', url);
    expect([first.code, first.stderr]).toEqual([0, expect.any(String)]);
    const applied = logOf(first, 'migrations applied')?.applied as string[] | undefined;
    expect(applied?.length).toBeGreaterThan(0);
    const second = await run('scripts/db-migrate.ts', url);
    expect(second.code).toBe(0);
    expect(logOf(second, 'database already up to date')).toMatchObject({ applied: [] });
  }, 60_000);

  it('db:seed writes the demo data once; a second run creates nothing and changes no counts', async () => {
    const first = await run('scripts/db-seed.ts', url);
    expect([first.code, first.stderr]).toEqual([0, expect.any(String)]);
    expect(logOf(first, 'demo data seeded')?.rows_created as number).toBeGreaterThan(50);
    const db = await createPrisma(url);
    try {
      const counts = async () => [await db.account.count(), await db.user.count(), await db.worker.count(), await db.aiConversation.count(), await db.gitPipelineJob.count()];
      const before = await counts();
      expect(before[0]).toBe(3);
      const second = await run('scripts/db-seed.ts', url);
      expect(second.code).toBe(0);
      expect(logOf(second, 'demo data seeded')).toMatchObject({ rows_created: 0 });
      expect(await counts()).toEqual(before);
    } finally {
      await db.$disconnect();
    }
  }, 60_000);

  it('demo:manifest prints one JSON document with tokens signed by the configured JWT settings', async () => {
    const r = await run('scripts/demo-manifest.ts', url);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(r.stdout) as { cable_url: string; accounts: Array<{ name: string; status: string; users: Array<Record<string, unknown>>; workers: Array<Record<string, unknown>>; resources: Record<string, Array<Record<string, unknown>>> }> };
    expect(manifest.cable_url).toBe('ws://localhost:4567/cable');
    expect(manifest.accounts.map((a) => [a.name, a.status])).toEqual([['Acme', 'active'], ['Globex', 'active'], ['Initech', 'suspended']]);
    const jwt = loadConfig({ JWT_SECRET_KEY: SECRET }).jwt;
    const acme = manifest.accounts[0]!;
    expect(acme.users.length).toBeGreaterThanOrEqual(4);
    for (const u of acme.users) expect(verifyToken(u.access_token as string, jwt)).toMatchObject({ type: 'access', sub: u.id });
    for (const w of acme.workers) expect(verifyToken(w.worker_token as string, jwt)).toMatchObject({ type: 'worker', sub: w.id });
    // Signed with the configured secret, not the built-in development one.
    expect(() => verifyToken(acme.users[0]!.access_token as string, loadConfig({}).jwt)).toThrow();
    expect(acme.resources.ai_agent_executions?.[0]).toMatchObject({ execution_id: 'exec-acme-0001' });
  }, 60_000);

  it('demo:manifest migrates and seeds an empty database by itself', async () => {
    const fresh = `file:${path.join(dir, 'empty.db')}`;
    const r = await run('scripts/demo-manifest.ts', fresh);
    expect(r.code).toBe(0);
    expect(logOf(r, 'empty database: seeding the demo data')?.rows_created as number).toBeGreaterThan(50);
    expect((JSON.parse(r.stdout) as { accounts: unknown[] }).accounts).toHaveLength(3);
  }, 60_000);
});
