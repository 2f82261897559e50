// Compares the tables and columns the models declare (read from prisma/schema.prisma) with those an existing
// PostgreSQL database has, so pointing the server at Powernode's own database can be checked before boot.

import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root';
import { pgTarget } from './url';

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

/** Check a PostgreSQL database (its `?schema=` or `public`) against the declared models. */
export async function checkColumns(url: string, schemaText: string = fs.readFileSync(SCHEMA_FILE, 'utf8')): Promise<ColumnReport> {
  const { connectionString, schema } = pgTarget(url);
  const { Client } = await import('pg');
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1',
      [schema ?? 'public'],
    );
    return compare(declaredColumns(schemaText), rows);
  } finally {
    await client.end();
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
