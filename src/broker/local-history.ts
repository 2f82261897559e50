// LocalHistory: gives a single-node pub/sub stream positions and history (AnyCable's memory broker). Every
// payload delivered for a stream gets the next offset of that stream in this process's epoch (random per start,
// so a restart tells clients their positions are gone) and is kept within size and age limits.

import { randomBytes } from 'node:crypto';
import type { AdapterStatus, MessageHandler, PubSubAdapter } from '../pubsub/adapter';
import { SubscriberMap } from '../pubsub/subscriber-map';
import { silentLogger, type Logger } from '../log/logger';
import type { HistoryEntry, HistoryLimits, HistoryQuery, HistoryReader } from './broker';

export type { HistoryLimits } from './broker';

interface StreamLog {
  offset: number;
  entries: HistoryEntry[];
  upstream: MessageHandler;
  linger?: NodeJS.Timeout;
}

/** A PubSubAdapter wrapper that positions and remembers every message it delivers. */
export class LocalHistory implements PubSubAdapter, HistoryReader {
  readonly epoch = randomBytes(3).toString('base64url');
  private readonly logs = new Map<string, StreamLog>();
  private readonly handlers = new SubscriberMap();

  constructor(
    private readonly inner: PubSubAdapter,
    private readonly limits: HistoryLimits,
    private readonly now: () => number = () => Date.now() / 1000,
    private readonly logger: Logger = silentLogger,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  broadcast(stream: string, payload: string): Promise<void> {
    return this.inner.broadcast(stream, payload);
  }

  async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    this.handlers.add(stream, handler);
    const log = this.logs.get(stream);
    if (log) {
      if (log.linger) clearTimeout(log.linger);
      log.linger = undefined;
      return;
    }
    const created: StreamLog = { offset: 0, entries: [], upstream: (p) => this.record(stream, created, p) };
    this.logs.set(stream, created);
    await this.inner.subscribe(stream, created.upstream);
  }

  async unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    const log = this.logs.get(stream);
    if (!log || !this.handlers.remove(stream, handler) || log.linger) return;
    // Keep recording for the history TTL: a client that lost its connection must find what it missed.
    log.linger = setTimeout(() => void this.release(stream, log), this.limits.ttlSeconds * 1000);
    log.linger.unref();
  }

  async read(stream: string, query: HistoryQuery): Promise<HistoryEntry[] | null> {
    const log = this.logs.get(stream);
    if (log) this.prune(log);
    const entries = log?.entries ?? [];
    if ('since' in query) return entries.filter((e) => e.time >= query.since);
    if (query.epoch !== this.epoch) return null;
    const first = entries[0];
    const latest = log?.offset ?? 0;
    if (query.offset > latest) return null;
    // Everything after the client's offset must still be here: the next one is offset + 1.
    if (query.offset < latest && (!first || first.offset > query.offset + 1)) return null;
    return entries.filter((e) => e.offset > query.offset);
  }

  status(): AdapterStatus {
    return this.inner.status();
  }

  shutdown(): Promise<void> {
    for (const log of this.logs.values()) if (log.linger) clearTimeout(log.linger);
    this.logs.clear();
    this.handlers.clear();
    return this.inner.shutdown();
  }

  private async release(stream: string, log: StreamLog): Promise<void> {
    log.linger = undefined;
    if (this.handlers.has(stream) || this.logs.get(stream) !== log) return;
    this.logs.delete(stream);
    await this.inner.unsubscribe(stream, log.upstream).catch(() => undefined);
  }

  private record(stream: string, log: StreamLog, payload: string): void {
    log.offset += 1;
    const position = { offset: log.offset, epoch: this.epoch };
    if (this.limits.limit > 0) {
      log.entries.push({ payload, offset: log.offset, epoch: this.epoch, time: this.now() });
      if (log.entries.length > this.limits.limit) log.entries.splice(0, log.entries.length - this.limits.limit);
    }
    this.handlers.deliver(stream, payload, (err) => this.logger.error('pubsub handler failed', { stream, err }), position);
  }

  private prune(log: StreamLog): void {
    const cutoff = this.now() - this.limits.ttlSeconds;
    let drop = 0;
    while (drop < log.entries.length && (log.entries[drop] as HistoryEntry).time < cutoff) drop += 1;
    if (drop > 0) log.entries.splice(0, drop);
  }
}
