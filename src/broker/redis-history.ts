// Reliable streams on Redis for several nodes (AnyCable's broker, Rails-compatible) with ONE Redis subscription per
// stream per process. A broadcast is one EVAL that takes the stream's next offset, appends the payload to a Redis
// stream (size/age bounded), PUBLISHes a small position envelope `{"s":stream,"o":offset,"e":epoch,"h":fingerprint}`
// on the process-wide channel `<prefix>:__cable_pos__` (one subscription per process, not per stream) and then the
// raw payload on `<prefix>:<stream>`, the bytes Rails subscribers read. Both PUBLISHes run inside one script, so
// every subscriber connection receives the envelope immediately followed by the raw payload: a raw payload right
// after an envelope of its stream with a matching fingerprint is delivered with that position; any other raw payload
// (a Rails `PUBLISH`) is delivered unpositioned and is not in the history. Also caches ext-protocol sessions.

import { createHash, randomBytes } from 'node:crypto';
import type { AdapterStatus, MessageHandler, MessagePosition, PubSubAdapter } from '../pubsub/adapter';
import { SubscriberMap } from '../pubsub/subscriber-map';
import { BroadcastFailedError, errorText } from '../errors';
import { silentLogger, type Logger } from '../log/logger';
import type { HistoryEntry, HistoryLimits, HistoryQuery, HistoryReader } from './broker';
import type { SessionSnapshot, SessionStore } from './sessions';

/** The Redis commands the history layer needs (an ioredis client satisfies it). */
export interface HistoryRedis {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
}

/** The plain pub/sub underneath: a PubSubAdapter that can also hold a subscription for its whole life. */
export interface RetainingPubSub extends PubSubAdapter {
  retain(stream: string, handler: MessageHandler): void;
}

/** The stream (under the prefix) that carries every position envelope of the cluster. */
export const POSITIONS_STREAM = '__cable_pos__';

// KEYS: meta hash, log stream. Returns { {epoch, latest offset}, entries } atomically.
// Session snapshots are JSON `{"identityKey":…,"identifiers":[…]}`; cjson ships with Redis' Lua.
const TAKE_SESSION_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local ok, snapshot = pcall(cjson.decode, raw)
if not ok or snapshot.identityKey ~= ARGV[1] then return false end
redis.call('DEL', KEYS[1])
return raw`;
const READ_SCRIPT = `return { redis.call('HMGET', KEYS[1], 'e', 'o'), redis.call('XRANGE', KEYS[2], '-', '+') }`;

// KEYS: meta hash, log stream. ARGV: new epoch, payload, raw channel, max length, ttl, unix time, positions channel,
// stream name, fingerprint.
const PUBLISH_SCRIPT = `
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then epoch = ARGV[1]; redis.call('HSET', KEYS[1], 'e', epoch) end
local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'o', offset, 'p', ARGV[2], 't', ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', ARGV[7], cjson.encode({s = ARGV[8], o = offset, e = epoch, h = ARGV[9]}))
return redis.call('PUBLISH', ARGV[3], ARGV[2])
`;

interface Envelope {
  s: string;
  o: number;
  e: string;
  h: string;
}

interface StreamState {
  /** Settles when the stream's one upstream SUBSCRIBE does; every subscriber of the stream waits for it. */
  ready: Promise<void>;
  onRaw: MessageHandler;
}

/** A short digest of the payload: tells our own raw copy from an unrelated message right after an envelope. */
export function fingerprint(payload: string): string {
  return createHash('sha1').update(payload).digest('base64url').slice(0, 11);
}

/** A Redis adapter wrapper adding positions, history and shared sessions. */
export class RedisHistory implements PubSubAdapter, HistoryReader, SessionStore {
  private readonly streams = new Map<string, StreamState>();
  private readonly handlers = new SubscriberMap();
  /** The envelope just received; only the very next message on the connection can be its raw copy. */
  private pending: Envelope | null = null;

  constructor(
    private readonly inner: RetainingPubSub,
    private readonly redis: HistoryRedis,
    private readonly prefix: string,
    private readonly limits: HistoryLimits,
    private readonly logger: Logger = silentLogger,
  ) {
    inner.retain(POSITIONS_STREAM, (text) => this.onEnvelope(text));
  }

  get name(): string {
    return this.inner.name;
  }

  async broadcast(stream: string, payload: string): Promise<void> {
    const keys = [this.key('meta', stream), this.key('log', stream)];
    const args = [
      randomBytes(3).toString('base64url'), payload, this.channel(stream), this.limits.limit, this.limits.ttlSeconds,
      Math.floor(Date.now() / 1000), this.channel(POSITIONS_STREAM), stream, fingerprint(payload),
    ];
    try {
      await this.redis.eval(PUBLISH_SCRIPT, keys.length, ...keys, ...args);
    } catch (err) {
      throw new BroadcastFailedError(`redis publish failed: ${errorText(err)}`);
    }
  }

  async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    const state = this.streams.get(stream) ?? this.open(stream);
    this.handlers.add(stream, handler);
    try {
      // A second subscriber waits for the same upstream SUBSCRIBE, and fails with it.
      await state.ready;
    } catch (err) {
      this.handlers.remove(stream, handler);
      throw err;
    }
  }

  async unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    const state = this.streams.get(stream);
    if (!state || !this.handlers.remove(stream, handler)) return;
    this.streams.delete(stream);
    await this.inner.unsubscribe(stream, state.onRaw).catch((err: unknown) => this.logger.debug('redis unsubscribe failed', { stream, err: errorText(err) }));
  }

  async read(stream: string, query: HistoryQuery): Promise<HistoryEntry[] | null> {
    // One script, so the epoch and the entries come from the same instant: read as two round trips, a read racing
    // the stream's first publish could return entries without their epoch.
    const [meta, rows] = (await this.redis.eval(READ_SCRIPT, 2, this.key('meta', stream), this.key('log', stream))) as [Array<string | null>, Array<[string, string[]]>];
    const [epoch, latestText] = meta;
    const cutoff = Date.now() / 1000 - this.limits.ttlSeconds;
    const entries = rows.map(([, fields]) => toEntry(fields, epoch ?? '')).filter((e) => e.time >= cutoff);
    if ('since' in query) return entries.filter((e) => e.time >= query.since);
    const latest = Number(latestText ?? 0);
    if (!epoch || query.epoch !== epoch || query.offset > latest) return null;
    const first = entries[0];
    if (query.offset < latest && (!first || first.offset > query.offset + 1)) return null;
    return entries.filter((e) => e.offset > query.offset);
  }

  async save(sid: string, snapshot: SessionSnapshot, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key('session', sid), JSON.stringify(snapshot), 'EX', ttlSeconds);
  }

  async take(sid: string, identityKey: string): Promise<SessionSnapshot | null> {
    // Compare and delete in one script: a snapshot of another identity stays for its owner.
    const raw = (await this.redis.eval(TAKE_SESSION_SCRIPT, 1, this.key('session', sid), identityKey)) as string | null;
    return raw ? (JSON.parse(raw) as SessionSnapshot) : null;
  }

  /** The health of both connections (the history commands share the publisher's). */
  status(): AdapterStatus {
    return this.inner.status();
  }

  shutdown(): Promise<void> {
    this.streams.clear();
    this.handlers.clear();
    this.pending = null;
    return this.inner.shutdown();
  }

  private open(stream: string): StreamState {
    const state: StreamState = { ready: Promise.resolve(), onRaw: (raw) => this.onRaw(stream, raw) };
    this.streams.set(stream, state);
    state.ready = this.inner.subscribe(stream, state.onRaw);
    state.ready.catch(() => {
      if (this.streams.get(stream) === state) this.streams.delete(stream);
    });
    return state;
  }

  private onEnvelope(text: string): void {
    this.pending = null;
    let env: Envelope;
    try {
      env = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (typeof env.s === 'string' && this.streams.has(env.s)) this.pending = env;
  }

  private onRaw(stream: string, payload: string): void {
    const env = this.pending;
    this.pending = null;
    const position: MessagePosition | undefined = env && env.s === stream && env.h === fingerprint(payload) ? { offset: env.o, epoch: env.e } : undefined;
    // Each handler on its own: one that throws neither stops the others nor reaches the Redis client.
    this.handlers.deliver(stream, payload, (err) => this.logger.error('pubsub handler failed', { stream, err }), position);
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
