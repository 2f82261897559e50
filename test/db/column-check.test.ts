// checkColumns: a migrated database has every declared column; a database missing a table or a column is reported.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkColumns, CORE_TABLES, declaredColumns, describeMissing, requiredPart, SCHEMA_FILE } from '../../src/db/column-check';
import { createTestDatabase, describePostgres, type TestDatabase } from '../support/db';

describe('declaredColumns', () => {
  it('maps each model to its table and mapped column names, without relation fields', () => {
    const tables = declaredColumns(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    expect(tables.get('cable_job_outbox')).toEqual(expect.arrayContaining(['id', 'account_id', 'job_class', 'args', 'queue', 'status', 'created_at', 'dispatched_at']));
    expect(tables.get('ai_team_channels')).not.toContain('team');
    expect(tables.get('role_permissions')).toEqual(['role_id', 'permission_id']);
  });

  it('matches the cable_job_outbox DDL that docs/database.md asks Powernode operators to run', () => {
    const docs = fs.readFileSync(path.resolve(__dirname, '../../docs/database.md'), 'utf8');
    const ddl = /CREATE TABLE IF NOT EXISTS cable_job_outbox \(([\s\S]*?)\n\s*\);/.exec(docs)![1]!;
    const documented = ddl.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
    expect(documented.sort()).toEqual([...declaredColumns(fs.readFileSync(SCHEMA_FILE, 'utf8')).get('cable_job_outbox')!].sort());
  });
});

describePostgres('checkColumns', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgresql');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('reports nothing missing on a migrated database', async () => {
    expect(await checkColumns(t.url)).toEqual({ missingTables: [], missingColumns: [] });
  });

  it('reports a missing table and a missing column', async () => {
    await t.db.$executeRawUnsafe('ALTER TABLE notifications DROP COLUMN dismissed_at');
    await t.db.$executeRawUnsafe('DROP TABLE cable_job_outbox');
    expect(await checkColumns(t.url)).toEqual({ missingTables: ['cable_job_outbox'], missingColumns: [{ table: 'notifications', column: 'dismissed_at' }] });
  });
});

describe('checkColumns on SQLite', () => {
  it('reports nothing on a migrated file, every table on an empty one, and what requiredPart keeps', async () => {
    const t = await createTestDatabase('sqlite');
    try {
      expect(await checkColumns(t.url)).toEqual({ missingTables: [], missingColumns: [] });
      await t.db.$executeRawUnsafe('ALTER TABLE notifications DROP COLUMN dismissed_at');
      const report = await checkColumns(t.url);
      expect(report.missingColumns).toEqual([{ table: 'notifications', column: 'dismissed_at' }]);
      expect(requiredPart(report, 'core')).toEqual({ missingTables: [], missingColumns: [] });
      expect(requiredPart(report, 'off')).toEqual({ missingTables: [], missingColumns: [] });
    } finally {
      await t.cleanup();
    }
    const empty = await checkColumns(`file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cable-empty-')), 'none.db')}`);
    expect(empty.missingTables).toEqual(expect.arrayContaining([...CORE_TABLES, 'cable_job_outbox']));
    expect(describeMissing(requiredPart(empty, 'core'))).toMatch(/missing tables: accounts, users, .*jwt_blacklists[\s\S]*DATABASE_AUTO_MIGRATE=1/);
  });
});
