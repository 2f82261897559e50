// Test databases: a fresh SQLite file or a fresh PostgreSQL schema (`t_<random>` on the local test server), migrated
// and connected, and `describeProvider` to run one suite against both. With CI=true an unreachable PostgreSQL
// fails the suite; locally it is skipped with a note.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase } from '../../src/db/migrate';
import { createPrisma, type Db, type Provider } from '../../src/db/prisma';
import { seedDemo } from '../../src/db/seed';
import { TEST_POSTGRES_URL } from './services';

/** Both providers, SQLite first. */
export const PROVIDERS: readonly Provider[] = ['sqlite', 'postgresql'];

/** A migrated, connected test database and how to throw it away. */
export interface TestDatabase {
  provider: Provider;
  url: string;
  db: Db;
  cleanup(): Promise<void>;
}

/** Options for createTestDatabase. */
export interface TestDatabaseOptions {
  /** Apply the migrations (default true). */
  migrate?: boolean;
  /** Write the demo data set (default false). */
  seed?: boolean;
}

/** Create a fresh database of `provider` (SQLite temp file or PostgreSQL schema `t_<random>`). */
export async function createTestDatabase(provider: Provider, opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const target = provider === 'sqlite' ? sqliteTarget() : pgTarget();
  if (opts.migrate !== false) await migrateDatabase(target.url);
  const db = await createPrisma(target.url);
  if (opts.seed) await seedDemo(db);
  return {
    provider,
    url: target.url,
    db,
    cleanup: async () => {
      await db.$disconnect();
      await target.drop();
    },
  };
}

function sqliteTarget(): { url: string; drop(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cable-db-'));
  return { url: `file:${path.join(dir, 'test.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function pgTarget(): { url: string; drop(): Promise<void> } {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return { url: url.toString(), drop: () => dropSchema(schema) };
}

async function dropSchema(schema: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Whether the PostgreSQL test server accepts connections. */
export async function pgAvailable(): Promise<boolean> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

let pgProbe: boolean | undefined;

// Jest builds suites synchronously, so the probe runs in a child process before any describe is declared.
function pgAvailableSync(): boolean {
  if (pgProbe !== undefined) return pgProbe;
  const probe = "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))";
  const result = spawnSync(process.execPath, ['-e', probe, TEST_POSTGRES_URL], { cwd: path.resolve(__dirname, '../..'), timeout: 10_000 });
  pgProbe = result.status === 0;
  return pgProbe;
}

/** Run `fn` as a suite once per provider; PostgreSQL fails under CI=true when unreachable, else is skipped. */
export function describeProvider(name: string, fn: (provider: Provider) => void): void {
  describe(`${name} [sqlite]`, () => fn('sqlite'));
  describePostgres(name, () => fn('postgresql'));
}

/** Run `fn` as a PostgreSQL-only suite with the same rule: fail under CI=true when unreachable, else skip. */
export function describePostgres(name: string, fn: () => void): void {
  const title = `${name} [postgresql]`;
  if (pgAvailableSync()) {
    describe(title, fn);
  } else if (process.env.CI === 'true') {
    describe(title, () => {
      it('reaches the PostgreSQL test server', () => {
        throw new Error(`PostgreSQL is unreachable at ${TEST_POSTGRES_URL}; CI=true requires it (database suites never skip in CI)`);
      });
    });
  } else {
    console.warn(`[test] PostgreSQL unreachable at ${TEST_POSTGRES_URL}: skipping "${title}" (set CI=true to fail instead)`);
    describe.skip(title, fn);
  }
}
