// SolidCableAdapter on PostgreSQL, isolated in a `?schema=` created (and dropped) for this run: the shared contract,
// the DDL, rows a Rails process inserts with plain SQL, our rows matching solid_cable's, trimming and DB errors.

import { Client } from 'pg';
import { createSolidCableAdapter, ensureSolidCableTable, channelHash, type SolidCableAdapter } from '../../src/pubsub/solid-cable';
import { railsTimestamp } from '../../src/pubsub/solid-cable-store';
import { pgPoolConfig } from '../../src/pubsub/solid-cable-pg';
import { describeAdapterContract } from './adapter.case';
import { describeWithService, TEST_POSTGRES_URL, uniqueName } from '../support/services';
import { waitFor } from '../support/wait';

describeWithService('solid_cable on PostgreSQL', TEST_POSTGRES_URL, () => {
  const schema = uniqueName('pc_test');
  const url = `${TEST_POSTGRES_URL}${TEST_POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  const prefix = uniqueName('pc');
  const open = (extra: { trimChance?: number } = {}) => createSolidCableAdapter({ url, channelPrefix: prefix, pollMs: 20, ...extra });
  let raw: Client;

  beforeAll(async () => {
    raw = new Client(pgPoolConfig(url));
    await raw.connect();
    await raw.query(`CREATE SCHEMA ${schema}`);
    await ensureSolidCableTable(url);
  });
  afterAll(async () => {
    await raw.query(`DROP SCHEMA ${schema} CASCADE`);
    await raw.end();
  });

  describeAdapterContract('solid_cable (PostgreSQL)', () => open());

  describe('tables and rows', () => {
    let adapter: SolidCableAdapter;
    beforeEach(async () => {
      adapter = await open();
    });
    afterEach(async () => {
      await adapter.shutdown();
    });

    it('creates the columns and indexes of solid_cable, idempotently', async () => {
      await ensureSolidCableTable(url);
      const columns = await raw.query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'solid_cable_messages' ORDER BY ordinal_position`,
        [schema],
      );
      expect(columns.rows).toEqual([
        { column_name: 'id', data_type: 'bigint', is_nullable: 'NO' },
        { column_name: 'channel', data_type: 'bytea', is_nullable: 'NO' },
        { column_name: 'payload', data_type: 'bytea', is_nullable: 'NO' },
        { column_name: 'created_at', data_type: 'timestamp without time zone', is_nullable: 'NO' },
        { column_name: 'channel_hash', data_type: 'bigint', is_nullable: 'NO' },
      ]);
      const indexes = await raw.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`, [schema]);
      expect(indexes.rows.map((r: { indexname: string }) => r.indexname)).toEqual([
        'index_solid_cable_messages_on_channel',
        'index_solid_cable_messages_on_channel_hash',
        'index_solid_cable_messages_on_created_at',
        'solid_cable_messages_pkey',
      ]);
    });

    it('delivers rows a Rails process inserts with plain SQL', async () => {
      const got: string[] = [];
      await adapter.subscribe('chat_42', (p) => got.push(p));
      const channel = `${prefix}:chat_42`;
      await raw.query(
        `INSERT INTO solid_cable_messages (created_at, channel, payload, channel_hash) VALUES (now() AT TIME ZONE 'utc', $1, $2, $3)`,
        [Buffer.from(channel), Buffer.from('{"text":"hi"}'), channelHash(channel).toString()],
      );
      await waitFor(() => got.length === 1, 2000, 'rails row');
      expect(got).toEqual(['{"text":"hi"}']);
    });

    it('writes rows the way solid_cable does', async () => {
      const payload = '{"title":"caf\u00e9 \\u003cb\\u003e"}';
      await adapter.broadcast('notification:1', payload);
      const { rows } = await raw.query(
        `SELECT channel, payload, channel_hash::text AS hash, extract(epoch FROM (now() AT TIME ZONE 'utc') - created_at) AS age
         FROM solid_cable_messages ORDER BY id DESC LIMIT 1`,
      );
      const row = rows[0] as { channel: Buffer; payload: Buffer; hash: string; age: string };
      expect(row.channel.toString()).toBe(`${prefix}:notification:1`);
      expect(row.payload.equals(Buffer.from(payload))).toBe(true);
      expect(BigInt(row.hash)).toBe(channelHash(`${prefix}:notification:1`));
      expect(Math.abs(Number(row.age))).toBeLessThan(5);
    });

    it('trims rows older than the retention, also from broadcasts (autotrim)', async () => {
      const old = railsTimestamp(new Date(Date.now() - 2 * 86_400_000));
      const insertOld = () =>
        raw.query(`INSERT INTO solid_cable_messages (created_at, channel, payload, channel_hash) VALUES ($1, $2, $3, 0)`, [old, Buffer.from('x'), Buffer.from('{}')]);
      const countOld = async () => Number((await raw.query(`SELECT COUNT(*) AS n FROM solid_cable_messages WHERE created_at < now() - interval '1 day'`)).rows[0].n);
      await insertOld();
      await insertOld();
      expect(await adapter.trimExpired()).toBe(2);
      await insertOld();
      const trimming = await open({ trimChance: 1 });
      await trimming.broadcast('trim', '{"fresh":true}');
      await trimming.shutdown();
      expect(await countOld()).toBe(0);
    });

    it('reports a database error as unhealthy and recovers once the table is back', async () => {
      const got: string[] = [];
      await adapter.subscribe('flaky', (p) => got.push(p));
      await raw.query('ALTER TABLE solid_cable_messages RENAME TO solid_cable_messages_away');
      try {
        await waitFor(() => !adapter.status().healthy, 2000, 'unhealthy');
      } finally {
        await raw.query('ALTER TABLE solid_cable_messages_away RENAME TO solid_cable_messages');
      }
      await adapter.broadcast('flaky', '{"back":true}');
      await waitFor(() => got.length === 1, 2000, 'delivery after recovery');
      expect(adapter.status()).toEqual({ healthy: true });
    });
  });
});
