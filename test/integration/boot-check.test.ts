// Boot refuses a database that lacks what the server reads (issue 17): an empty PostgreSQL schema or SQLite file with
// DATABASE_AUTO_MIGRATE=0 stops startServer with a BootCheckError naming the missing tables and the fix, instead of
// a server that answers every client with `reconnect:true` forever; DATABASE_SCHEMA_CHECK=core/off relax it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BootCheckError, startServer } from '../../src/main';
import { silentLogger } from '../../src/log/logger';
import { createTestDatabase, describePostgres } from '../support/db';
import { TEST_POSTGRES_URL } from '../support/services';

const base = { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_AUTO_MIGRATE: '0', DATABASE_SEED: '0' };

describe('boot schema check (SQLite)', () => {
  it('refuses an empty database file, naming the tables and the fix', async () => {
    const url = `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cable-boot-')), 'empty.db')}`;
    const boot = startServer({ ...base, DATABASE_URL: url }, silentLogger);
    await expect(boot).rejects.toBeInstanceOf(BootCheckError);
    await expect(boot).rejects.toThrow(/missing tables: accounts, users, .*jwt_blacklists[\s\S]*DATABASE_AUTO_MIGRATE=1/);
  });

  it('boots with DATABASE_AUTO_MIGRATE=1 on the same kind of empty file', async () => {
    const url = `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cable-boot-')), 'empty.db')}`;
    const running = await startServer({ ...base, DATABASE_URL: url, DATABASE_AUTO_MIGRATE: '1' }, silentLogger);
    await running.stop();
  });
});

describePostgres('boot schema check (PostgreSQL)', () => {
  it('refuses an empty schema, naming the missing tables', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('schema', `boot_${process.pid}_${Date.now().toString(36)}`);
    await expect(startServer({ ...base, DATABASE_URL: url.toString() }, silentLogger)).rejects.toThrow(/missing tables: accounts, users/);
  });

  it('with DATABASE_SCHEMA_CHECK=core boots on a database that lacks only non-authentication tables', async () => {
    const t = await createTestDatabase('postgresql');
    try {
      await t.db.$executeRawUnsafe('DROP TABLE trading_tick_results');
      await expect(startServer({ ...base, DATABASE_URL: t.url }, silentLogger)).rejects.toThrow(/trading_tick_results/);
      const running = await startServer({ ...base, DATABASE_URL: t.url, DATABASE_SCHEMA_CHECK: 'core' }, silentLogger);
      await running.stop();
    } finally {
      await t.cleanup();
    }
  });
});
