// Database URL parsing: which provider a DATABASE_URL names, where a SQLite file lives, and PostgreSQL's
// `?schema=` parameter. Pure: no I/O and no driver imports.

import path from 'node:path';

/** The two database providers the server supports. */
export type Provider = 'sqlite' | 'postgresql';

/** `file:` URLs are embedded SQLite; `postgres://` and `postgresql://` are PostgreSQL. */
export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: or postgres://');
}

/** Absolute path of a `file:` URL (relative paths resolve against `cwd`); query parameters are dropped. */
export function sqliteFilePath(url: string, cwd: string = process.cwd()): string {
  const raw = decodeURIComponent(url.slice('file:'.length).replace(/^\/\/(?=\/)/, '').split('?')[0] ?? '');
  if (raw === '' || raw === ':memory:') throw new Error('DATABASE_URL must name a SQLite file');
  return path.resolve(cwd, raw);
}

/** A PostgreSQL URL split into the driver connection string and the schema named by `?schema=`. */
export interface PgTarget {
  connectionString: string;
  schema: string | undefined;
}

/** Split `?schema=` off a PostgreSQL URL (the pg driver does not know that parameter). */
export function pgTarget(url: string): PgTarget {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error('DATABASE_URL ?schema= must be a plain identifier');
  return { connectionString: parsed.toString(), schema };
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
