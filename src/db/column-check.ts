// Compares the tables and columns the models declare (read from prisma/schema.prisma) with those an existing
// database has (PostgreSQL or SQLite), so a server pointed at an empty or wrong database refuses to boot with a
// message naming what is missing instead of failing every client at connect.

import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root';
import { pgTarget, providerOf, sqliteFilePath } from './url';

/** The source schema the models are generated from. */
export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'prisma', 'schema.prisma');

const SCALAR = /^\s+(\w+)\s+(String|Int|BigInt|Float|Decimal|Boolean|DateTime|Json|Bytes)(\?|\[\])?(\s|$)/;

/** Table name → column names declared by the models of `schemaText`. */
export function declaredColumns(schemaText: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const block of schemaText.match(/^model \w+ \{[\s\S]*?^\}/gm) ?? []) {
    const model = /^model (\w+)/.exec(block)![1]!;
    const table = /@@map\("([^"]+)"\)/.exec(block)?.[1] ?? model;
    const columns = block.split('\n').flatMap((line) => {
      const m = SCALAR.exec(line.replace(/\/\/.*$/, ''));
      return m ? [/@map\("([^"]+)"\)/.exec(line)?.[1] ?? m[1]!] : [];
    });
    tables.set(table, columns);
  }
  return tables;
}

/** What a database lacks: whole tables, and columns of tables it has. */
export interface ColumnReport {
  missingTables: string[];
  missingColumns: Array<{ table: string; column: string }>;
}

/** The tables authentication and the revocation re-check read: without them no client can connect. */
export const CORE_TABLES: readonly string[] = ['accounts', 'users', 'roles', 'permissions', 'role_permissions', 'user_roles', 'workers', 'worker_roles', 'user_tokens', 'jwt_blacklists'];

/** Check a database (PostgreSQL `?schema=` or `public`, or a SQLite file) against the declared models. */
export async function checkColumns(url: string, schemaText: string = fs.readFileSync(SCHEMA_FILE, 'utf8')): Promise<ColumnReport> {
  const present = providerOf(url) === 'sqlite' ? await sqliteColumns(url) : await pgColumns(url);
  return compare(declaredColumns(schemaText), present);
}

/** Only what `mode` requires: every declared table (`all`), the authentication tables (`core`), nothing (`off`). */
export function requiredPart(report: ColumnReport, mode: 'all' | 'core' | 'off'): ColumnReport {
  if (mode === 'all') return report;
  const keep = (table: string) => mode === 'core' && CORE_TABLES.includes(table);
  return { missingTables: report.missingTables.filter(keep), missingColumns: report.missingColumns.filter((c) => keep(c.table)) };
}

/** The boot error text for `report` (empty when nothing is missing). */
export function describeMissing(report: ColumnReport): string {
  if (report.missingTables.length === 0 && report.missingColumns.length === 0) return '';
  const lines = ['The database lacks what the server reads:'];
  if (report.missingTables.length > 0) lines.push(`  missing tables: ${report.missingTables.join(', ')}`);
  if (report.missingColumns.length > 0) lines.push(`  missing columns: ${report.missingColumns.map((c) => `${c.table}.${c.column}`).join(', ')}`);
  lines.push(
    'Fix: for a database of its own, set DATABASE_AUTO_MIGRATE=1 (the server creates its tables at boot, or run `npm run db:migrate`);',
    "for Powernode's database, point DATABASE_URL at the Rails app's database (and create the few tables of docs/database.md there);",
    'DATABASE_SCHEMA_CHECK=core checks only the authentication tables.',
  );
  return lines.join('\n');
}

async function pgColumns(url: string): Promise<Array<{ table_name: string; column_name: string }>> {
  const { connectionString, schema } = pgTarget(url);
  const { Client } = await import('pg');
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1',
      [schema ?? 'public'],
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function sqliteColumns(url: string): Promise<Array<{ table_name: string; column_name: string }>> {
  const file = sqliteFilePath(url);
  if (!fs.existsSync(file)) return [];
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    return tables.flatMap(({ name }) => (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as Array<{ name: string }>).map((c) => ({ table_name: name, column_name: c.name })));
  } finally {
    db.close();
  }
}

function compare(declared: Map<string, string[]>, actual: Array<{ table_name: string; column_name: string }>): ColumnReport {
  const present = new Map<string, Set<string>>();
  for (const r of actual) present.set(r.table_name, (present.get(r.table_name) ?? new Set()).add(r.column_name));
  const report: ColumnReport = { missingTables: [], missingColumns: [] };
  for (const [table, columns] of declared) {
    const have = present.get(table);
    if (!have) report.missingTables.push(table);
    else for (const column of columns) if (!have.has(column)) report.missingColumns.push({ table, column });
  }
  return report;
}
