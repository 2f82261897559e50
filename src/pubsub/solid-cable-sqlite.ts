// The SQLite store of the solid_cable adapter (better-sqlite3, required on demand): BLOB channel/payload like
// Rails' binary columns, 64-bit integers read as BigInt. Only SQL lives here.

import fs from 'node:fs';
import path from 'node:path';
import type { CableRow, CableStore, NewCableRow } from './solid-cable-store';
import { SOLID_CABLE_TABLE as T } from './solid-cable-store';

/** DDL of solid_cable's `cable_schema.rb` as Rails' SQLite adapter emits it. */
export const SQLITE_SOLID_CABLE_DDL = [
  `CREATE TABLE IF NOT EXISTS "${T}" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "channel" blob(1024) NOT NULL, ` +
    `"payload" blob(536870912) NOT NULL, "created_at" datetime(6) NOT NULL, "channel_hash" integer(8) NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS "index_${T}_on_channel" ON "${T}" ("channel")`,
  `CREATE INDEX IF NOT EXISTS "index_${T}_on_channel_hash" ON "${T}" ("channel_hash")`,
  `CREATE INDEX IF NOT EXISTS "index_${T}_on_created_at" ON "${T}" ("created_at")`,
];

// The slice of better-sqlite3's API used here (the package ships no types).
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  safeIntegers(on?: boolean): Statement;
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(): void;
}
type DatabaseConstructor = new (file: string, options?: { timeout?: number }) => Database;

/** The file path of a `file:` URL (`file:./x.db`, `file:/abs/x.db`, `file:///abs/x.db`), relative to the cwd. */
export function sqlitePath(url: string): string {
  // Same reading as the database layer's, so a shared DATABASE_URL opens the same file.
  const raw = decodeURIComponent(url.slice('file:'.length).replace(/^\/\/(?=\/)/, '').split('?')[0] ?? '');
  if (raw === '' || raw === ':memory:') throw new Error('solid_cable needs a SQLite file shared by every node, not an in-memory database');
  return path.resolve(raw);
}

/** solid_cable rows in a SQLite file. */
export class SqliteCableStore implements CableStore {
  readonly kind = 'sqlite';
  private readonly statements = new Map<string, Statement>();
  constructor(private readonly db: Database) {}

  async insert(row: NewCableRow): Promise<void> {
    this.statement(`INSERT INTO "${T}" ("created_at", "channel", "payload", "channel_hash") VALUES (?, ?, ?, ?)`)
      .run(row.createdAt, row.channel, row.payload, row.channelHash);
  }

  async maxId(): Promise<bigint> {
    return (this.statement(`SELECT COALESCE(MAX("id"), 0) AS id FROM "${T}"`).get() as { id: bigint }).id;
  }

  async fetchAfter(hashes: readonly bigint[], afterId: bigint, limit: number): Promise<CableRow[]> {
    // The hashes travel as one JSON array: no bound-parameter limit and one prepared statement for any count.
    const sql = `SELECT "id", "channel", "payload" FROM "${T}" WHERE "channel_hash" IN (SELECT value FROM json_each(?)) AND "id" > ? ORDER BY "id" LIMIT ?`;
    return this.statement(sql).all(`[${hashes.join(',')}]`, afterId, limit) as CableRow[];
  }

  async trimBefore(createdAt: string, limit: number): Promise<number> {
    const sql = `DELETE FROM "${T}" WHERE "id" IN (SELECT "id" FROM "${T}" WHERE "created_at" < ? ORDER BY "id" LIMIT ?)`;
    return this.statement(sql).run(createdAt, limit).changes;
  }

  async createTable(): Promise<void> {
    for (const sql of SQLITE_SOLID_CABLE_DDL) this.db.exec(sql);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** Prepared once, on first use (the table may not exist when the store opens); integers come back as BigInt. */
  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).safeIntegers(true);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

/** Open the SQLite file of `url` (creating its directory) in WAL mode, waiting up to 5 s on a locked database. */
export function openSqliteStore(url: string): SqliteCableStore {
  const file = sqlitePath(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // An optional native backend: required here, so memory and redis runs never load it.
  const Sqlite = require('better-sqlite3') as DatabaseConstructor;
  const db = new Sqlite(file, { timeout: 5000 });
  // Rails 8's SQLite defaults: readers never block the writer, and a broadcast costs no fsync (about 100x faster).
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  return new SqliteCableStore(db);
}
