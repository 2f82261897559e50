// SolidCableAdapter logic without a database: the channel hash, timestamps, URL parsing, and the poll loop
// (no overlap, stop on shutdown, retry after errors, start cursor, per-stream cursors) against a scripted fake store.

import { SolidCableAdapter, channelHash } from '../../src/pubsub/solid-cable';
import { railsTimestamp, isSqliteUrl, type CableRow, type CableStore, type NewCableRow } from '../../src/pubsub/solid-cable-store';
import { sqlitePath } from '../../src/pubsub/solid-cable-sqlite';
import { pgPoolConfig } from '../../src/pubsub/solid-cable-pg';
import { BroadcastFailedError } from '../../src/errors';
import { capturingLogger } from '../support/logger';
import { sleep, waitFor } from '../support/wait';

/** An in-memory table with knobs for latency and failures, recording how the adapter drives it. */
class FakeStore implements CableStore {
  readonly kind = 'sqlite';
  rows: Array<CableRow & { hash: bigint }> = [];
  fetchDelayMs = 0;
  failing = false;
  inFlight = 0;
  maxInFlight = 0;
  fetches = 0;
  closed = false;

  async insert(row: NewCableRow): Promise<void> {
    if (this.failing) throw new Error('database is down');
    this.rows.push({ id: BigInt(this.rows.length + 1), channel: row.channel, payload: row.payload, hash: row.channelHash });
  }
  async maxId(): Promise<bigint> {
    if (this.failing) throw new Error('database is down');
    return BigInt(this.rows.length);
  }
  async fetchAfter(hashes: readonly bigint[], afterId: bigint, limit: number): Promise<CableRow[]> {
    this.fetches++;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      if (this.fetchDelayMs) await sleep(this.fetchDelayMs);
      if (this.failing) throw new Error('database is down');
      return this.rows.filter((r) => hashes.includes(r.hash) && r.id > afterId).slice(0, limit);
    } finally {
      this.inFlight--;
    }
  }
  async trimBefore(): Promise<number> {
    return 0;
  }
  async createTable(): Promise<void> {}
  async close(): Promise<void> {
    this.closed = true;
  }
  /** Append a row as another process (Rails) would. */
  railsInsert(channel: string | Buffer, payload: string, hash = channelHash(channel.toString())): void {
    this.rows.push({ id: BigInt(this.rows.length + 1), channel, payload: Buffer.from(payload), hash });
  }
}

describe('channelHash', () => {
  it('is the first 8 bytes of SHA-256 as a signed big-endian int64, like solid_cable', () => {
    expect(channelHash('chat_42')).toBe(-754027970978379483n);
    expect(channelHash('powernode_cable:chat_42')).toBe(channelHash('powernode_cable:chat_42'));
    expect(channelHash('a')).not.toBe(channelHash('b'));
  });
});

describe('solid_cable formats', () => {
  it('writes created_at as Rails does: UTC with six fractional digits', () => {
    expect(railsTimestamp(new Date('2024-06-01T12:34:56.789Z'))).toBe('2024-06-01 12:34:56.789000');
  });

  it('tells SQLite URLs from PostgreSQL ones and resolves file paths', () => {
    expect(isSqliteUrl('file:./data/cable.db')).toBe(true);
    expect(isSqliteUrl('postgres://u@h/db')).toBe(false);
    expect(sqlitePath('file:/tmp/x.db?mode=rwc')).toBe('/tmp/x.db');
    expect(sqlitePath('file:///tmp/x.db')).toBe('/tmp/x.db');
    expect(sqlitePath('file:./data/cable.db')).toBe(`${process.cwd()}/data/cable.db`);
    expect(() => sqlitePath('file::memory:')).toThrow(/in-memory/);
  });

  it('turns a Prisma-style ?schema= into the PostgreSQL search_path', () => {
    expect(pgPoolConfig('postgres://u@h:5432/db?schema=cable')).toEqual({ connectionString: 'postgres://u@h:5432/db', options: '-c search_path=cable' });
    expect(pgPoolConfig('postgres://u@h/db')).toEqual({ connectionString: 'postgres://u@h/db' });
    expect(() => pgPoolConfig('postgres://u@h/db?schema=a;drop')).toThrow(/plain identifier/);
  });
});

describe('SolidCableAdapter poll loop', () => {
  let store: FakeStore;
  let adapter: SolidCableAdapter;
  beforeEach(() => {
    store = new FakeStore();
  });
  afterEach(async () => {
    await adapter.shutdown();
  });

  it('never runs two polls at once, even when a poll outlasts the interval', async () => {
    store.fetchDelayMs = 60;
    adapter = new SolidCableAdapter(store, { pollMs: 5 });
    await adapter.subscribe('s', () => undefined);
    await sleep(300);
    expect(store.fetches).toBeGreaterThan(2);
    expect(store.maxInFlight).toBe(1);
  });

  it('stops polling on shutdown, after the running poll finishes, and closes the store', async () => {
    store.fetchDelayMs = 30;
    adapter = new SolidCableAdapter(store, { pollMs: 5 });
    await adapter.subscribe('s', () => undefined);
    await waitFor(() => store.inFlight === 1, 1000, 'a poll in flight');
    await adapter.shutdown();
    expect(store.inFlight).toBe(0);
    expect(store.closed).toBe(true);
    const after = store.fetches;
    await sleep(100);
    expect(store.fetches).toBe(after);
  });

  it('stops polling when the last stream is unsubscribed', async () => {
    adapter = new SolidCableAdapter(store, { pollMs: 5 });
    const h = () => undefined;
    await adapter.subscribe('s', h);
    await adapter.unsubscribe('s', h);
    await sleep(30);
    const after = store.fetches;
    await sleep(60);
    expect(store.fetches).toBe(after);
  });

  it('marks itself unhealthy on a database error, logs once, and recovers on a later poll', async () => {
    const { logger, lines } = capturingLogger();
    adapter = new SolidCableAdapter(store, { pollMs: 5, logger });
    const got: string[] = [];
    await adapter.subscribe('s', (p) => got.push(p));
    store.failing = true;
    await waitFor(() => !adapter.status().healthy, 1000, 'unhealthy');
    expect(adapter.status()).toEqual({ healthy: false, detail: 'solid_cable database unreachable' });
    await expect(adapter.broadcast('s', '{}')).rejects.toBeInstanceOf(BroadcastFailedError);
    await sleep(50);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    store.failing = false;
    store.railsInsert('s', '{"after":"outage"}');
    await waitFor(() => got.length === 1, 1000, 'delivery after recovery');
    expect(adapter.status()).toEqual({ healthy: true });
    expect(got).toEqual(['{"after":"outage"}']);
  });

  it('rejects subscribe (and forgets the handler) when the start cursor cannot be read', async () => {
    adapter = new SolidCableAdapter(store, { pollMs: 5 });
    store.failing = true;
    await expect(adapter.subscribe('s', () => undefined)).rejects.toThrow(/database is down/);
    store.failing = false;
    const got: string[] = [];
    await adapter.subscribe('s', (p) => got.push(p));
    await adapter.broadcast('s', '{"n":1}');
    await waitFor(() => got.length === 1, 1000, 'delivery');
    expect(got).toEqual(['{"n":1}']);
  });

  it('starts a new subscription at MAX(id), so earlier rows are not replayed', async () => {
    adapter = new SolidCableAdapter(store, { pollMs: 5 });
    store.railsInsert('s', '{"old":1}');
    const got: string[] = [];
    await adapter.subscribe('s', (p) => got.push(p));
    store.railsInsert('s', '{"new":1}');
    await waitFor(() => got.length === 1, 1000, 'delivery');
    await sleep(30);
    expect(got).toEqual(['{"new":1}']);
  });

  it('keeps a cursor per stream: a later subscriber never sees rows older than its own start', async () => {
    adapter = new SolidCableAdapter(store, { pollMs: 5 });
    const a: string[] = [];
    const b: string[] = [];
    await adapter.subscribe('a', (p) => a.push(p));
    store.railsInsert('b', '{"b":"before"}');
    await adapter.subscribe('b', (p) => b.push(p));
    store.railsInsert('a', '{"a":1}');
    store.railsInsert('b', '{"b":"after"}');
    await waitFor(() => a.length === 1 && b.length === 1, 1000, 'deliveries');
    expect([a, b]).toEqual([['{"a":1}'], ['{"b":"after"}']]);
  });

  it('ignores rows whose hash matches but whose channel bytes differ (hash collision)', async () => {
    adapter = new SolidCableAdapter(store, { pollMs: 5, channelPrefix: 'p' });
    const got: string[] = [];
    await adapter.subscribe('s', (p) => got.push(p));
    store.railsInsert('p:other', '{"collision":true}', channelHash('p:s'));
    store.railsInsert('p:s', '{"mine":true}');
    await waitFor(() => got.length === 1, 1000, 'delivery');
    await sleep(30);
    expect(got).toEqual(['{"mine":true}']);
  });

  it('reads channel and payload stored as text as well as binary', async () => {
    adapter = new SolidCableAdapter(store, { pollMs: 5 });
    const got: string[] = [];
    await adapter.subscribe('s', (p) => got.push(p));
    store.rows.push({ id: BigInt(store.rows.length + 1), channel: 's', payload: '{"text":true}', hash: channelHash('s') });
    await waitFor(() => got.length === 1, 1000, 'delivery');
    expect(got).toEqual(['{"text":true}']);
  });

  it('drains a backlog larger than one batch without waiting an interval per batch', async () => {
    adapter = new SolidCableAdapter(store, { pollMs: 200, batchSize: 10 });
    const got: string[] = [];
    await adapter.subscribe('s', (p) => got.push(p));
    for (let i = 0; i < 45; i++) store.railsInsert('s', `{"i":${i}}`);
    await waitFor(() => got.length === 45, 1000, '45 deliveries');
    expect(got[44]).toBe('{"i":44}');
  });
});
