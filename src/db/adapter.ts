// The Prisma driver adapter for a DATABASE_URL: better-sqlite3 for `file:`, node-postgres for `postgres://`
// (with `?schema=`). Each driver is loaded on demand, so a SQLite deployment never loads pg and vice versa.

import fs from 'node:fs';
import path from 'node:path';
import type { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { PrismaPg } from '@prisma/adapter-pg';
import { pgTarget, providerOf, sqliteFilePath } from './url';

/** A driver adapter factory Prisma accepts for queries and migrations. */
export type AdapterFactory = PrismaBetterSQLite3 | PrismaPg;

/** Build the driver adapter factory for `url`; creates a SQLite file's parent directory. */
export async function createAdapterFactory(url: string): Promise<AdapterFactory> {
  if (providerOf(url) === 'sqlite') {
    const file = sqliteFilePath(url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = await import('@prisma/adapter-better-sqlite3');
    // A busy timeout lets the migrator, a seeding process and the server share the file without SQLITE_BUSY.
    return new sqlite.PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 });
  }
  const { connectionString, schema } = pgTarget(url);
  const pg = await import('@prisma/adapter-pg');
  if (!schema) return new pg.PrismaPg({ connectionString });
  // search_path makes raw SQL see the same schema as the generated queries.
  return new pg.PrismaPg({ connectionString, options: `-c search_path=${schema}` }, { schema });
}
