// migrateDatabase on both providers: from zero, idempotent, concurrent runs, and the tables it creates.

import { listMigrations, migrateDatabase, MIGRATIONS_TABLE } from '../../src/db/migrate';
import { createLogger } from '../../src/log/logger';
import { createTestDatabase, describeProvider, type TestDatabase } from '../support/db';

describeProvider('migrateDatabase', (provider) => {
  const names = listMigrations(provider).map((m) => m.name);

  describe('on an empty database', () => {
    let t: TestDatabase;
    let firstRun: string[];

    beforeAll(async () => {
      t = await createTestDatabase(provider, { migrate: false });
      firstRun = await migrateDatabase(t.url);
    });
    afterAll(async () => {
      await t.cleanup();
    });

    it('applies every committed migration in order and records each', async () => {
      expect(firstRun).toEqual(names);
      const recorded = await t.db.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`);
      expect(recorded.map((r) => r.name)).toEqual(names);
    });

    it('applies nothing the second time', async () => {
      expect(await migrateDatabase(t.url)).toEqual([]);
    });

    it('warns about an applied migration whose file changed since', async () => {
      const lines: string[] = [];
      await t.db.$executeRawUnsafe(`UPDATE ${MIGRATIONS_TABLE} SET checksum = 'edited' WHERE name = '${names[0]}'`);
      expect(await migrateDatabase(t.url, createLogger('warn', (l) => lines.push(l)))).toEqual([]);
      expect(lines.map((l) => JSON.parse(l) as { level: string; changed: string[] })).toEqual([expect.objectContaining({ level: 'warn', changed: [names[0]] })]);
    });

    it('creates the tables the models map to', async () => {
      const account = await t.db.account.create({ data: { name: 'Fresh' } });
      await t.db.jobOutbox.create({ data: { accountId: account.id, jobClass: 'ExampleJob', args: [1, 'two'], queue: 'default' } });
      expect(await t.db.jobOutbox.count({ where: { accountId: account.id, status: 'pending' } })).toBe(1);
    });
  });

  it('applies each migration once when two runs race', async () => {
    const t = await createTestDatabase(provider, { migrate: false });
    try {
      const [a, b] = await Promise.all([migrateDatabase(t.url), migrateDatabase(t.url)]);
      expect([...a, ...b].sort()).toEqual([...names].sort());
    } finally {
      await t.cleanup();
    }
  });
});

describe('listMigrations', () => {
  it('lists the same migration names for both providers', () => {
    expect(listMigrations('postgresql').map((m) => m.name)).toEqual(listMigrations('sqlite').map((m) => m.name));
  });

  it('returns migrations oldest first with a checksum each', () => {
    const names = listMigrations('sqlite').map((m) => m.name);
    expect(names).toEqual([...names].sort());
    expect(listMigrations('sqlite').every((m) => /^[0-9a-f]{64}$/.test(m.checksum))).toBe(true);
  });
});
