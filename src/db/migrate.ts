// Applies the committed SQL migrations (prisma/migrations/<provider>/<name>/migration.sql) in name order, each
// once, recording them in `_cable_migrations`. Runs in-process with the raw drivers: offline, no Prisma CLI.
// PostgreSQL runs everything in one transaction under an advisory lock; `?schema=` is created and used.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger, type Logger } from '../log/logger';
import { PROJECT_ROOT } from '../project-root';
import { createAdapterFactory, type AdapterFactory } from './adapter';
import { pgTarget, providerOf, quoteIdent, sqliteFilePath, type Provider } from './url';

type Connection = Awaited<ReturnType<AdapterFactory['connect']>>;

/** The table that records applied migrations (distinct from Prisma's and Rails' own tables). */
export const MIGRATIONS_TABLE = '_cable_migrations';

/** Where the committed migrations live. */
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

/** One committed migration. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The committed migrations of `provider`, oldest first. */
export function listMigrations(provider: Provider, dir: string = MIGRATIONS_DIR): Migration[] {
  const root = path.join(dir, provider);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(root, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Apply pending migrations to `url`; returns the names applied now (empty when up to date). */
export async function migrateDatabase(url: string, logger: Logger = silentLogger): Promise<string[]> {
  const migrations = listMigrations(providerOf(url));
  const { applied, recorded } = providerOf(url) === 'sqlite' ? await migrateSqlite(url, migrations) : await migratePostgres(url, migrations);
  const changed = migrations.filter((m) => recorded.has(m.name) && recorded.get(m.name) !== m.checksum).map((m) => m.name);
  // An applied migration is never re-run; an edited one means the databases may differ from the files.
  if (changed.length > 0) logger.warn('applied migrations were edited afterwards; add a new migration instead', { changed });
  if (applied.length > 0) logger.info('database migrated', { applied });
  else logger.debug('database up to date', { migrations: migrations.length });
  return applied;
}

/** What a provider run did: migrations applied now, and the checksums recorded before it. */
interface RunResult {
  applied: string[];
  recorded: Map<string, string>;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`;

// better-sqlite3 is synchronous: two connections of one process waiting on each other's lock would block the
// event loop until the busy timeout, so runs on the same file within this process take turns.
const sqliteTurns = new Map<string, Promise<unknown>>();

async function migrateSqlite(url: string, migrations: Migration[]): Promise<RunResult> {
  const file = sqliteFilePath(url);
  const previous = sqliteTurns.get(file) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => applySqlite(url, migrations));
  sqliteTurns.set(file, run);
  try {
    return await run;
  } finally {
    if (sqliteTurns.get(file) === run) sqliteTurns.delete(file);
  }
}

async function applySqlite(url: string, migrations: Migration[]): Promise<RunResult> {
  // Through the Prisma driver adapter (better-sqlite3 underneath), so no second SQLite binding is needed.
  const conn = await (await createAdapterFactory(url)).connect();
  const query = async (sql: string) => (await conn.queryRaw({ sql, args: [], argTypes: [] })).rows;
  try {
    await conn.executeScript(`PRAGMA journal_mode = WAL; ${CREATE_TABLE}`);
    const recorded = new Map((await query(`SELECT name, checksum FROM ${MIGRATIONS_TABLE}`)).map((r) => [String(r[0]), String(r[1])]));
    const applied: string[] = [];
    for (const m of migrations.filter((x) => !recorded.has(x.name))) {
      if (await applySqliteMigration(conn, query, m)) applied.push(m.name);
    }
    return { applied, recorded };
  } finally {
    await conn.dispose();
  }
}

async function applySqliteMigration(conn: Connection, query: (sql: string) => Promise<unknown[][]>, m: Migration): Promise<boolean> {
  // IMMEDIATE takes the write lock first, so a concurrent migrator waits, then sees the row and skips.
  await conn.executeScript('BEGIN IMMEDIATE');
  try {
    if ((await query(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE name = ${sqlString(m.name)}`)).length > 0) {
      await conn.executeScript('ROLLBACK');
      return false;
    }
    await conn.executeScript(m.sql);
    await conn.executeScript(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum, applied_at) VALUES (${sqlString(m.name)}, ${sqlString(m.checksum)}, ${sqlString(new Date().toISOString())}); COMMIT`);
    return true;
  } catch (err) {
    await conn.executeScript('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<RunResult> {
  const { connectionString, schema } = pgTarget(url);
  const { Client } = await import('pg');
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    // One lock per target schema: parallel boots (or test workers on the same schema) migrate one at a time.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cable_migrations:${schema ?? 'public'}`]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}; SET LOCAL search_path TO ${quoteIdent(schema)}`);
    await client.query(CREATE_TABLE);
    const rows = (await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${MIGRATIONS_TABLE}`)).rows;
    const recorded = new Map(rows.map((r) => [r.name, r.checksum]));
    const pending = migrations.filter((m) => !recorded.has(m.name));
    for (const m of pending) {
      await client.query(m.sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum, applied_at) VALUES ($1, $2, $3)`, [m.name, m.checksum, new Date().toISOString()]);
    }
    await client.query('COMMIT');
    return { applied: pending.map((m) => m.name), recorded };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
