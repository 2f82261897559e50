// Reliable streams on Redis for several nodes (AnyCable's broker, Rails-compatible): a broadcast atomically takes the
// stream's next offset, appends to a Redis stream (size/age bounded), PUBLISHes a positioned envelope on
// `<prefix>:__cable_pos__:<stream>` and then the raw payload on `<prefix>:<stream>` for Rails-side subscribers.
// Nodes deliver the envelope with its position and drop the raw echo that immediately follows it; raw payloads
// without an envelope (published by Rails) are delivered unpositioned. Also caches ext-protocol sessions.

import { randomBytes } from 'node:crypto';
import type { AdapterStatus, HistoryEntry, HistoryQuery, HistoryReader, MessageHandler, PubSubAdapter, SessionCache } from './adapter';
import { BroadcastFailedError, errorText } from '../errors';

/** The Redis commands the history layer needs (an ioredis client satisfies it). */
export interface HistoryRedis {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  xrange(key: string, start: string, end: string): Promise<Array<[string, string[]]>>;
  hmget(key: string, ...fields: string[]): Promise<Array<string | null>>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  getdel(key: string): Promise<string | null>;
}

/** Size and age bounds of each stream's history. */
export interface RedisHistoryLimits {
  limit: number;
  ttlSeconds: number;
}

const PUBLISH_SCRIPT = `
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then epoch = ARGV[1]; redis.call('HSET', KEYS[1], 'e', epoch) end
local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'o', offset, 'p', ARGV[2], 't', ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', ARGV[7], cjson.encode({o = offset, e = epoch, p = ARGV[2]}))
return redis.call('PUBLISH', ARGV[3], ARGV[2])
`;

const POS = '__cable_pos__:';
const MAX_PENDING_ECHOES = 1000;

interface StreamState {
  handlers: Set<MessageHandler>;
  echoes: string[];
  onEnvelope: MessageHandler;
  onRaw: MessageHandler;
}

/** A Redis adapter wrapper adding positions, history and shared sessions. */
export class RedisHistory implements PubSubAdapter, HistoryReader, SessionCache {
  readonly history: HistoryReader = this;
  readonly sessions: SessionCache = this;
  private readonly streams = new Map<string, StreamState>();

  constructor(
    private readonly inner: PubSubAdapter,
    private readonly redis: HistoryRedis,
    private readonly prefix: string,
    private readonly limits: RedisHistoryLimits,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  async broadcast(stream: string, payload: string): Promise<void> {
    const keys = [this.key('meta', stream), this.key('log', stream)];
    const args = [randomBytes(3).toString('base64url'), payload, this.channel(stream), this.limits.limit, this.limits.ttlSeconds, Math.floor(Date.now() / 1000), this.channel(POS + stream)];
    try {
      await this.redis.eval(PUBLISH_SCRIPT, keys.length, ...keys, ...args);
    } catch (err) {
      throw new BroadcastFailedError(`redis publish failed: ${errorText(err)}`);
    }
  }

  async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    const existing = this.streams.get(stream);
    if (existing) {
      existing.handlers.add(handler);
      return;
    }
    const state: StreamState = { handlers: new Set([handler]), echoes: [], onEnvelope: (env) => this.onEnvelope(state, env), onRaw: (raw) => this.onRaw(state, raw) };
    this.streams.set(stream, state);
    try {
      // Raw first, positions second (and the reverse on unsubscribe), so an envelope never waits for a lost echo.
      await this.inner.subscribe(stream, state.onRaw);
      await this.inner.subscribe(POS + stream, state.onEnvelope);
    } catch (err) {
      this.streams.delete(stream);
      await this.release(stream, state);
      throw err;
    }
  }

  async unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    const state = this.streams.get(stream);
    if (!state) return;
    state.handlers.delete(handler);
    if (state.handlers.size > 0) return;
    this.streams.delete(stream);
    await this.release(stream, state);
  }

  async read(stream: string, query: HistoryQuery): Promise<HistoryEntry[] | null> {
    const [epoch, latestText] = await this.redis.hmget(this.key('meta', stream), 'e', 'o');
    const rows = await this.redis.xrange(this.key('log', stream), '-', '+');
    const cutoff = Date.now() / 1000 - this.limits.ttlSeconds;
    const entries = rows.map(([, fields]) => toEntry(fields, epoch ?? '')).filter((e) => e.time >= cutoff);
    if ('since' in query) return entries.filter((e) => e.time >= query.since);
    const latest = Number(latestText ?? 0);
    if (!epoch || query.epoch !== epoch || query.offset > latest) return null;
    const first = entries[0];
    if (query.offset < latest && (!first || first.offset > query.offset + 1)) return null;
    return entries.filter((e) => e.offset > query.offset);
  }

  async save(sid: string, snapshot: { identityKey: string; identifiers: string[] }, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key('session', sid), JSON.stringify(snapshot), 'EX', ttlSeconds);
  }

  async take(sid: string): Promise<{ identityKey: string; identifiers: string[] } | null> {
    const raw = await this.redis.getdel(this.key('session', sid));
    return raw ? (JSON.parse(raw) as { identityKey: string; identifiers: string[] }) : null;
  }

  status(): AdapterStatus {
    return this.inner.status();
  }

  shutdown(): Promise<void> {
    this.streams.clear();
    return this.inner.shutdown();
  }

  private async release(stream: string, state: StreamState): Promise<void> {
    await this.inner.unsubscribe(POS + stream, state.onEnvelope).catch(() => undefined);
    await this.inner.unsubscribe(stream, state.onRaw).catch(() => undefined);
  }

  private onEnvelope(state: StreamState, envelope: string): void {
    let env: { o: number; e: string; p: string };
    try {
      env = JSON.parse(envelope) as { o: number; e: string; p: string };
    } catch {
      return;
    }
    state.echoes.push(env.p);
    if (state.echoes.length > MAX_PENDING_ECHOES) state.echoes.shift();
    for (const h of state.handlers) h(env.p, { offset: env.o, epoch: env.e });
  }

  private onRaw(state: StreamState, payload: string): void {
    // The raw copy of an enveloped broadcast arrives right after its envelope: drop it, it was delivered.
    if (state.echoes[0] === payload) {
      state.echoes.shift();
      return;
    }
    for (const h of state.handlers) h(payload);
  }

  private channel(stream: string): string {
    return this.prefix ? `${this.prefix}:${stream}` : stream;
  }

  private key(kind: 'meta' | 'log' | 'session', name: string): string {
    return this.channel(`__cable_${kind}__:${name}`);
  }
}

function toEntry(fields: string[], epoch: string): HistoryEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  return { offset: Number(map.get('o')), payload: map.get('p') ?? 'null', time: Number(map.get('t')), epoch };
}
