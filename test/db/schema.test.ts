// The one source schema and what is derived from it: the PostgreSQL variant (uuid and timestamp native types) and
// the committed migrations, whose newest schema snapshots must match the current schema.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listMigrations, MIGRATIONS_DIR } from '../../src/db/migrate';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/prisma-generate.mjs');
const source = fs.readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8');

/** Call an export of scripts/prisma-generate.mjs (an ES module) on the source schema. */
function viaScript(fn: 'derivePostgresSchema' | 'normalizeSchema', text: string): string {
  // The script path goes second so argv[1] never names the script (which would run its CLI).
  const code = `import(process.argv[2]).then((m) => process.stdout.write(m[process.argv[1]](require('fs').readFileSync(0, 'utf8'))))`;
  return execFileSync(process.execPath, ['-e', code, fn, SCRIPT], { input: text, encoding: 'utf8' });
}

const derived = viaScript('derivePostgresSchema', source);
const fieldLine = (model: string, field: string) => {
  const block = new RegExp(`^model ${model} \\{[\\s\\S]*?^\\}`, 'm').exec(derived)?.[0] ?? '';
  return block.split('\n').find((l) => new RegExp(`^\\s+${field}\\s`).test(l)) ?? '';
};

describe('the PostgreSQL schema derived from prisma/schema.prisma', () => {
  it('swaps the provider and the generated client output', () => {
    expect(derived).toMatch(/provider = "postgresql"/);
    expect(derived).toMatch(/output\s+= "..\/..\/src\/db\/generated\/postgresql"/);
  });

  it('types primary keys, relation scalars and marked columns as uuid', () => {
    expect(fieldLine('Account', 'id')).toContain('@db.Uuid');
    expect(fieldLine('AiMessage', 'aiConversationId')).toContain('@db.Uuid');
    expect(fieldLine('RolePermission', 'permissionId')).toContain('@db.Uuid');
    expect(fieldLine('Worker', 'nodeInstanceId')).toContain('@db.Uuid');
  });

  it('leaves string lookup keys as text', () => {
    for (const [model, field] of [['AiAgentExecution', 'executionId'], ['AiWorkflowRun', 'runId'], ['BatchWorkflowRun', 'batchId'], ['AiConversation', 'conversationId'], ['AiWorkflowEdge', 'sourceNodeId']]) {
      expect(fieldLine(model!, field!)).not.toContain('@db.Uuid');
    }
  });

  it('stores timestamps as timestamp(6) like Rails', () => {
    expect(fieldLine('Notification', 'readAt')).toContain('@db.Timestamp(6)');
  });
});

describe('committed migrations', () => {
  const snapshot = (provider: 'sqlite' | 'postgresql') => {
    const last = listMigrations(provider).at(-1)!.name;
    return fs.readFileSync(path.join(MIGRATIONS_DIR, provider, last, 'schema.prisma'), 'utf8');
  };

  it('snapshot the current schema for SQLite (run: node scripts/prisma-generate.mjs --migration <name>)', () => {
    expect(viaScript('normalizeSchema', snapshot('sqlite'))).toBe(viaScript('normalizeSchema', source));
  });

  it('snapshot the current schema for PostgreSQL (run: node scripts/prisma-generate.mjs --migration <name>)', () => {
    expect(viaScript('normalizeSchema', snapshot('postgresql'))).toBe(viaScript('normalizeSchema', derived));
  });
});
