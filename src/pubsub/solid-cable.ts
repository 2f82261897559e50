// Pub/sub through Rails' `solid_cable_messages` table (SC:lib/action_cable/subscription_adapter/solid_cable.rb):
// broadcast = INSERT a row, subscribe = poll for rows of the subscribed channels past a per-stream cursor.
// Owns the poll loop (never overlapping, stopped on shutdown), cursors, health and trimming; SQL is in the stores.

import type { AdapterStatus, MessageHandler, PubSubAdapter } from './adapter';
import { SubscriberMap } from './subscriber-map';
import { channelHash, isSqliteUrl, railsTimestamp, type CableRow, type CableStore } from './solid-cable-store';
import { BroadcastFailedError, PubSubUnavailableError, errorText } from '../errors';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';

export { channelHash } from './solid-cable-store';

const DAY_MS = 86_400_000;

/** Settings of a SolidCableAdapter (defaults are solid_cable's). */
export interface SolidCableOptions {
  /** `postgres://…` or `file:<sqlite path>`. */
  url: string;
  /** Rails `channel_prefix`, joined with ':' (empty → bare stream names). */
  channelPrefix?: string;
  /** Poll interval in ms (solid_cable `polling_interval`, default 100). */
  pollMs?: number;
  logger?: Logger;
  /** Rows older than this are trimmed, in ms (solid_cable `message_retention`, default 1 day). */
  retentionMs?: number;
  /** Chance that a broadcast also trims (solid_cable: trim_chance 2 / trim_batch_size 100 = 0.02). */
  trimChance?: number;
  /** Rows deleted per trim (solid_cable `trim_batch_size`, default 100). */
  trimBatchSize?: number;
  /** Rows read per poll; a full batch polls again at once (default 500). */
  batchSize?: number;
}

interface TrackedStream {
  readonly channel: string;
  readonly hash: bigint;
  /** Id of the last row delivered (or skipped) for this stream; starts at MAX(id) when subscribed. */
  cursor: bigint;
  started: boolean;
  ready: Promise<void>;
}

/** Pub/sub over the solid_cable table in PostgreSQL or SQLite. */
export class SolidCableAdapter implements PubSubAdapter {
  readonly name = 'solid_cable';
  private readonly map = new SubscriberMap();
  private readonly tracked = new Map<string, TrackedStream>();
  private readonly logger: Logger;
  private readonly opts: Required<Omit<SolidCableOptions, 'url' | 'logger'>>;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private failure: string | null = null;
  private closed = false;

  constructor(private readonly store: CableStore, options: Omit<SolidCableOptions, 'url'> = {}) {
    this.logger = options.logger ?? silentLogger;
    this.opts = {
      channelPrefix: options.channelPrefix ?? '',
      pollMs: options.pollMs ?? 100,
      retentionMs: options.retentionMs ?? DAY_MS,
      trimChance: options.trimChance ?? 0.02,
      trimBatchSize: options.trimBatchSize ?? 100,
      batchSize: options.batchSize ?? 500,
    };
  }

  async broadcast(stream: string, payload: string): Promise<void> {
    if (this.closed) throw new BroadcastFailedError('solid_cable adapter is shut down');
    const channel = this.channelFor(stream);
    const row = { channel: Buffer.from(channel), payload: Buffer.from(payload), channelHash: channelHash(channel), createdAt: railsTimestamp(new Date()) };
    try {
      await this.store.insert(row);
    } catch (err) {
      this.markFailed(err);
      throw new BroadcastFailedError(`solid_cable insert failed: ${errorText(err)}`);
    }
    // solid_cable's autotrim: a broadcast occasionally deletes one batch of expired rows; never fails the broadcast.
    if (Math.random() < this.opts.trimChance) await this.trimExpired().catch((err: unknown) => this.logger.warn('solid_cable trim failed', { err: errorText(err) }));
  }

  async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    if (this.closed) throw new PubSubUnavailableError('solid_cable adapter is shut down');
    if (this.map.add(stream, handler)) this.track(stream);
    try {
      await this.tracked.get(stream)?.ready;
    } catch (err) {
      await this.unsubscribe(stream, handler);
      throw new PubSubUnavailableError(`solid_cable subscribe to ${stream} failed: ${errorText(err)}`);
    }
    this.schedule(this.opts.pollMs);
  }

  async unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    if (this.map.remove(stream, handler)) this.tracked.delete(stream);
  }

  status(): AdapterStatus {
    if (this.closed) return { healthy: false, detail: 'shut down' };
    return this.failure === null ? { healthy: true } : { healthy: false, detail: 'solid_cable database unreachable' };
  }

  /** Delete one batch of rows older than the retention; resolves to the number deleted. */
  async trimExpired(): Promise<number> {
    return this.store.trimBefore(railsTimestamp(new Date(Date.now() - this.opts.retentionMs)), this.opts.trimBatchSize);
  }

  /** Check the table is reachable (MAX(id)); a failure marks the adapter unhealthy and is logged, not thrown. */
  async probe(): Promise<void> {
    await this.store.maxId().then(() => this.markHealthy(), (err: unknown) => this.markFailed(err));
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    this.map.clear();
    this.tracked.clear();
    await this.store.close();
  }

  private channelFor(stream: string): string {
    return this.opts.channelPrefix ? `${this.opts.channelPrefix}:${stream}` : stream;
  }

  /** Start tracking a stream whose first handler just arrived: its cursor is MAX(id), so older rows never replay. */
  private track(stream: string): void {
    const channel = this.channelFor(stream);
    const entry: TrackedStream = { channel, hash: channelHash(channel), cursor: 0n, started: false, ready: Promise.resolve() };
    entry.ready = this.store.maxId().then(
      (max) => {
        entry.cursor = max;
        entry.started = true;
        this.markHealthy();
      },
      (err: unknown) => {
        this.markFailed(err);
        throw err;
      },
    );
    this.tracked.set(stream, entry);
  }

  /** Arm the next poll unless one is pending or running (polls never overlap) or nothing is subscribed. */
  private schedule(delayMs: number): void {
    if (this.closed || this.timer || this.polling || this.tracked.size === 0) return;
    this.timer = setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    this.timer = undefined;
    this.polling = this.pollOnce()
      .catch((err: unknown) => {
        this.logger.error('solid_cable poll failed', { err });
        return false;
      })
      .then((full) => {
        this.polling = undefined;
        this.schedule(full ? 0 : this.opts.pollMs);
      });
  }

  /** One poll: fetch rows past the lowest cursor for every started stream; resolves true when the batch was full. */
  private async pollOnce(): Promise<boolean> {
    const snapshot = [...this.tracked].filter(([, t]) => t.started);
    if (snapshot.length === 0) return false;
    const after = snapshot.reduce((min, [, t]) => (t.cursor < min ? t.cursor : min), snapshot[0]![1].cursor);
    const hashes = [...new Set(snapshot.map(([, t]) => t.hash))];
    let rows: CableRow[];
    try {
      rows = await this.store.fetchAfter(hashes, after, this.opts.batchSize);
    } catch (err) {
      this.markFailed(err); // retried on the next tick
      return false;
    }
    this.markHealthy();
    this.deliverRows(snapshot, rows);
    return rows.length === this.opts.batchSize;
  }

  /** Deliver rows in id order to the stream whose channel matches byte for byte (hashes can collide). */
  private deliverRows(snapshot: Array<[string, TrackedStream]>, rows: CableRow[]): void {
    const byChannel = new Map(snapshot.map(([stream, t]) => [t.channel, { stream, t }]));
    for (const row of rows) {
      const hit = byChannel.get(asText(row.channel));
      // Skip rows of a stream that was dropped or re-subscribed meanwhile (its new cursor decides) or already seen.
      if (!hit || this.tracked.get(hit.stream) !== hit.t || row.id <= hit.t.cursor) continue;
      hit.t.cursor = row.id;
      this.map.deliver(hit.stream, asText(row.payload), (err) => this.logger.error('pubsub handler failed', { stream: hit.stream, err }));
    }
    // Every polled stream has now seen all of its rows up to the last id read, even if none were its own.
    const last = rows[rows.length - 1]?.id;
    if (last === undefined) return;
    for (const [stream, t] of snapshot) if (this.tracked.get(stream) === t && t.cursor < last) t.cursor = last;
  }

  private markFailed(err: unknown): void {
    if (this.failure === null) this.logger.warn('solid_cable database error; retrying on the next poll', { err: errorText(err) });
    this.failure = errorText(err);
  }

  private markHealthy(): void {
    if (this.failure !== null) this.logger.info('solid_cable database reachable again');
    this.failure = null;
  }
}

/** Open the store named by `options.url` and create the adapter (unhealthy, not failing, if the table is unreachable). */
export async function createSolidCableAdapter(options: SolidCableOptions): Promise<SolidCableAdapter> {
  const adapter = new SolidCableAdapter(await openCableStore(options.url, options.logger), options);
  await adapter.probe();
  return adapter;
}

function asText(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** Open the store `url` names: `postgres(ql)://…` → pg, `file:<path>` → better-sqlite3. */
export async function openCableStore(url: string, logger: Logger = silentLogger): Promise<CableStore> {
  if (isSqliteUrl(url)) return (await import('./solid-cable-sqlite')).openSqliteStore(url);
  if (/^postgres(ql)?:\/\//.test(url)) return (await import('./solid-cable-pg')).openPgStore(url, logger);
  throw new Error('solid_cable database URL must start with file: or postgres://');
}

/** Create `solid_cable_messages` (and its indexes on channel, channel_hash, created_at) at `url` if missing. */
export async function ensureSolidCableTable(url: string): Promise<void> {
  const store = await openCableStore(url);
  try {
    await store.createTable();
  } finally {
    await store.close();
  }
}
