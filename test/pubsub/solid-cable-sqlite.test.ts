// SolidCableAdapter on a SQLite file: the shared contract, the table ensureSolidCableTable creates, rows written by
// "Rails" (plain SQL, binary or text) reaching handlers, our rows matching solid_cable's, trimming and DB errors.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSolidCableAdapter, ensureSolidCableTable, channelHash, type SolidCableAdapter } from '../../src/pubsub/solid-cable';
import { railsTimestamp } from '../../src/pubsub/solid-cable-store';
import { SQLITE_SOLID_CABLE_DDL } from '../../src/pubsub/solid-cable-sqlite';
import { createPubSub } from '../../src/pubsub/index';
import { describeAdapterContract } from './adapter.case';
import { uniqueName } from '../support/services';
import { waitFor } from '../support/wait';

// better-sqlite3 ships no types; the raw connection plays the Rails process writing to the same file.
interface RawDb {
  prepare(sql: string): { run(...p: unknown[]): unknown; all(...p: unknown[]): unknown[]; get(...p: unknown[]): unknown };
  exec(sql: string): void;
  close(): void;
}
const Sqlite = require('better-sqlite3') as new (file: string) => RawDb;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-solid-cable-'));
const url = `file:${path.join(dir, 'cable.db')}`;
const prefix = uniqueName('pc_test');
const open = (extra: { trimChance?: number; retentionMs?: number } = {}) =>
  createSolidCableAdapter({ url, channelPrefix: prefix, pollMs: 20, ...extra });

let raw: RawDb;
beforeAll(async () => {
  await ensureSolidCableTable(url);
  raw = new Sqlite(url.slice('file:'.length));
});
afterAll(() => {
  raw.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describeAdapterContract('solid_cable (SQLite)', () => open());

describe('solid_cable on SQLite', () => {
  let adapter: SolidCableAdapter;
  beforeEach(async () => {
    adapter = await open();
  });
  afterEach(async () => {
    await adapter.shutdown();
  });

  it('creates the table and indexes solid_cable defines, idempotently', async () => {
    await ensureSolidCableTable(url);
    const objects = raw.prepare(`SELECT type, name FROM sqlite_master WHERE tbl_name = 'solid_cable_messages' ORDER BY name`).all();
    expect(objects).toEqual([
      { type: 'index', name: 'index_solid_cable_messages_on_channel' },
      { type: 'index', name: 'index_solid_cable_messages_on_channel_hash' },
      { type: 'index', name: 'index_solid_cable_messages_on_created_at' },
      { type: 'table', name: 'solid_cable_messages' },
    ]);
    const columns = raw.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info('solid_cable_messages')`).all();
    expect(columns).toEqual([
      { name: 'id', type: 'INTEGER', notnull: 1, pk: 1 },
      { name: 'channel', type: 'blob(1024)', notnull: 1, pk: 0 },
      { name: 'payload', type: 'blob(536870912)', notnull: 1, pk: 0 },
      { name: 'created_at', type: 'datetime(6)', notnull: 1, pk: 0 },
      { name: 'channel_hash', type: 'integer(8)', notnull: 1, pk: 0 },
    ]);
    expect(SQLITE_SOLID_CABLE_DDL[0]).toMatch(/AUTOINCREMENT/);
  });

  it('delivers rows a Rails process inserts with plain SQL, as binary and as text', async () => {
    const got: string[] = [];
    await adapter.subscribe('chat_42', (p) => got.push(p));
    const channel = `${prefix}:chat_42`;
    const insert = raw.prepare('INSERT INTO solid_cable_messages (created_at, channel, payload, channel_hash) VALUES (?, ?, ?, ?)');
    insert.run(railsTimestamp(new Date()), Buffer.from(channel), Buffer.from('{"text":"hi"}'), channelHash(channel));
    insert.run(railsTimestamp(new Date()), channel, '{"text":"as text"}', channelHash(channel));
    await waitFor(() => got.length === 2, 2000, 'rails rows');
    expect(got).toEqual(['{"text":"hi"}', '{"text":"as text"}']);
  });

  it('writes rows the way solid_cable does', async () => {
    const before = Date.now();
    await adapter.broadcast('notification:1', '{"title":"caf\u00e9 \\u003cb\\u003e"}');
    const row = raw
      .prepare(
        `SELECT typeof(channel) AS ct, typeof(payload) AS pt, typeof(created_at) AS at, typeof(channel_hash) AS ht, channel, payload, created_at, CAST(channel_hash AS TEXT) AS hash
         FROM solid_cable_messages ORDER BY id DESC LIMIT 1`,
      )
      .get() as { ct: string; pt: string; at: string; ht: string; channel: Buffer; payload: Buffer; created_at: string; hash: string };
    expect([row.ct, row.pt, row.at, row.ht]).toEqual(['blob', 'blob', 'text', 'integer']);
    expect(row.channel.toString()).toBe(`${prefix}:notification:1`);
    expect(row.payload.equals(Buffer.from('{"title":"caf\u00e9 \\u003cb\\u003e"}'))).toBe(true);
    expect(BigInt(row.hash)).toBe(channelHash(`${prefix}:notification:1`));
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(Math.abs(Date.parse(`${row.created_at.replace(' ', 'T')}Z`) - before)).toBeLessThan(5000);
  });

  it('trims rows older than the retention, in batches, also from broadcasts (autotrim)', async () => {
    const old = railsTimestamp(new Date(Date.now() - 2 * 86_400_000));
    const insert = raw.prepare('INSERT INTO solid_cable_messages (created_at, channel, payload, channel_hash) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < 3; i++) insert.run(old, Buffer.from(`${prefix}:trim`), Buffer.from('{}'), channelHash(`${prefix}:trim`));
    const countOld = () => (raw.prepare('SELECT COUNT(*) AS n FROM solid_cable_messages WHERE created_at < ?').get(railsTimestamp(new Date(Date.now() - 86_400_000))) as { n: number }).n;
    expect(countOld()).toBe(3);
    expect(await adapter.trimExpired()).toBe(3);
    insert.run(old, Buffer.from(`${prefix}:trim`), Buffer.from('{}'), channelHash(`${prefix}:trim`));
    const trimming = await open({ trimChance: 1 });
    await trimming.broadcast('trim', '{"fresh":true}');
    await trimming.shutdown();
    expect(countOld()).toBe(0);
  });

  it('reports a database error as unhealthy and recovers once the table is back', async () => {
    const got: string[] = [];
    await adapter.subscribe('flaky', (p) => got.push(p));
    raw.exec('ALTER TABLE solid_cable_messages RENAME TO solid_cable_messages_away');
    try {
      await waitFor(() => !adapter.status().healthy, 2000, 'unhealthy');
    } finally {
      raw.exec('ALTER TABLE solid_cable_messages_away RENAME TO solid_cable_messages');
    }
    await adapter.broadcast('flaky', '{"back":true}');
    await waitFor(() => got.length === 1, 2000, 'delivery after recovery');
    expect(adapter.status()).toEqual({ healthy: true });
  });

  it('is created by createPubSub, which also creates the table of an embedded SQLite database', async () => {
    const fresh = `file:${path.join(dir, 'nested', 'fresh.db')}`;
    const created = await createPubSub({ adapter: 'solid_cable', channelPrefix: prefix, solidCableUrl: fresh, solidCablePollMs: 20 });
    try {
      expect(created.name).toBe('solid_cable');
      expect(created.status()).toEqual({ healthy: true });
      const got: string[] = [];
      await created.subscribe('s', (p) => got.push(p));
      await created.broadcast('s', '{"ok":1}');
      await waitFor(() => got.length === 1, 2000, 'delivery');
    } finally {
      await created.shutdown();
    }
  });
});
