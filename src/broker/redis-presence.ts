// Presence sets in Redis, shared by every node. Per stream, three hashes: session → presence id (`m:`), presence id
// → number of sessions (`r:`), presence id → info JSON (`i:`); and one sorted set of every record's deadline
// (`deadlines`, member `<sid>\n<stream>`). Each change is one script, so two nodes never both announce the same
// join or leave. A node refreshes the deadlines of its live sessions every third of the TTL; a session that is gone
// (socket closed, or its node died) stops being refreshed and any node's sweep removes it after the TTL, returning
// the `leave` events to broadcast.

import { errorText } from '../errors';
import { silentLogger, type Logger } from '../log/logger';
import type { PresenceEvent, PresenceExpiry, PresenceOptions, PresenceRecord, PresenceStore } from './presence';

/** The Redis command the presence store needs (an ioredis client satisfies it). */
export interface PresenceRedis {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

// KEYS: deadlines, m, r, i. ARGV: member, sid, id, info, deadline. Returns { joined (0|1), id that left or '' }.
const JOIN_SCRIPT = `
local old = redis.call('HGET', KEYS[2], ARGV[2])
local left = ''
if old and old ~= ARGV[3] then
  redis.call('HDEL', KEYS[2], ARGV[2])
  if redis.call('HINCRBY', KEYS[3], old, -1) <= 0 then
    redis.call('HDEL', KEYS[3], old); redis.call('HDEL', KEYS[4], old); left = old
  end
  old = false
end
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
if old then return { 0, left } end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local n = redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
if n == 1 then return { 1, left } end
return { 0, left }`;

// KEYS: deadlines, m, r, i. ARGV: member, sid. Returns the id that left, or ''.
const LEAVE_SCRIPT = `
local id = redis.call('HGET', KEYS[2], ARGV[2])
if not id then return '' end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('HINCRBY', KEYS[3], id, -1) <= 0 then
  redis.call('HDEL', KEYS[3], id); redis.call('HDEL', KEYS[4], id); return id
end
return ''`;

// KEYS: deadlines. ARGV: now, key prefix, batch size. Returns { stream, id, stream, id, … } of the ids that left.
const SWEEP_SCRIPT = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local cut = string.find(member, '\\n', 1, true)
  local sid = string.sub(member, 1, cut - 1)
  local stream = string.sub(member, cut + 1)
  local m = ARGV[2] .. 'm:' .. stream
  local id = redis.call('HGET', m, sid)
  if id then
    redis.call('HDEL', m, sid)
    local r = ARGV[2] .. 'r:' .. stream
    if redis.call('HINCRBY', r, id, -1) <= 0 then
      redis.call('HDEL', r, id); redis.call('HDEL', ARGV[2] .. 'i:' .. stream, id)
      table.insert(out, stream); table.insert(out, id)
    end
  end
end
return out`;

// KEYS: deadlines. ARGV: deadline, members… (only records still present are refreshed).
const REFRESH_SCRIPT = `for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i]) end return 0`;

const READ_SCRIPT = `return redis.call('HGETALL', KEYS[1])`;

const SWEEP_BATCH = 500;
const REFRESH_BATCH = 1000;

/** Presence shared through Redis. */
export class RedisPresence implements PresenceStore {
  /** This node's live sessions and the streams each is present on. */
  private readonly live = new Map<string, Set<string>>();
  private expiry: PresenceExpiry = () => undefined;
  private readonly now: () => number;
  private readonly timers: NodeJS.Timeout[];

  constructor(
    private readonly redis: PresenceRedis,
    /** Key prefix, e.g. `<channel prefix>:presence:`. */
    private readonly prefix: string,
    private readonly options: PresenceOptions,
    private readonly logger: Logger = silentLogger,
  ) {
    this.now = options.now ?? Date.now;
    const ttlMs = options.ttlSeconds * 1000;
    this.timers = [
      setInterval(() => void this.sweep(), options.sweepMs ?? Math.max(200, ttlMs / 5)),
      setInterval(() => void this.refresh(), Math.max(100, ttlMs / 3)),
    ];
    for (const t of this.timers) t.unref();
  }

  async join(stream: string, sid: string, id: string, info: unknown): Promise<PresenceEvent[]> {
    let streams = this.live.get(sid);
    if (!streams) this.live.set(sid, (streams = new Set()));
    streams.add(stream);
    const [joined, left] = (await this.redis.eval(JOIN_SCRIPT, 4, ...this.keys(stream), member(sid, stream), sid, id, JSON.stringify(info ?? null), this.deadline())) as [number, string];
    const events: PresenceEvent[] = left ? [{ type: 'leave', id: left }] : [];
    return joined === 1 ? [...events, { type: 'join', id, info }] : events;
  }

  async leave(stream: string, sid: string): Promise<PresenceEvent | null> {
    const streams = this.live.get(sid);
    streams?.delete(stream);
    if (streams?.size === 0) this.live.delete(sid);
    const left = (await this.redis.eval(LEAVE_SCRIPT, 4, ...this.keys(stream), member(sid, stream), sid)) as string;
    return left ? { type: 'leave', id: left } : null;
  }

  async records(stream: string): Promise<PresenceRecord[]> {
    const flat = (await this.redis.eval(READ_SCRIPT, 1, `${this.prefix}i:${stream}`)) as string[];
    const out: PresenceRecord[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i] as string, info: parseInfo(flat[i + 1] as string) });
    return out;
  }

  finish(sid: string): void {
    // No longer refreshed: its deadlines run out within one TTL and a sweep removes the records.
    this.live.delete(sid);
  }

  onExpire(handler: PresenceExpiry): void {
    this.expiry = handler;
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
  }

  /** Remove every record whose deadline passed (on any node) and announce the ids that left. */
  async sweep(): Promise<void> {
    try {
      for (;;) {
        const out = (await this.redis.eval(SWEEP_SCRIPT, 1, `${this.prefix}deadlines`, this.now(), this.prefix, SWEEP_BATCH)) as string[];
        for (let i = 0; i + 1 < out.length; i += 2) this.expiry(out[i] as string, { type: 'leave', id: out[i + 1] as string });
        if (out.length === 0) return;
      }
    } catch (err) {
      this.logger.warn('presence sweep failed', { code: 'CABLE_PUBSUB_UNAVAILABLE', err: errorText(err) });
    }
  }

  /** Push the deadlines of this node's live sessions one TTL ahead. */
  async refresh(): Promise<void> {
    const members: string[] = [];
    for (const [sid, streams] of this.live) for (const stream of streams) members.push(member(sid, stream));
    try {
      for (let i = 0; i < members.length; i += REFRESH_BATCH) {
        await this.redis.eval(REFRESH_SCRIPT, 1, `${this.prefix}deadlines`, this.deadline(), ...members.slice(i, i + REFRESH_BATCH));
      }
    } catch (err) {
      this.logger.warn('presence refresh failed', { code: 'CABLE_PUBSUB_UNAVAILABLE', err: errorText(err) });
    }
  }

  private deadline(): number {
    return this.now() + this.options.ttlSeconds * 1000;
  }

  private keys(stream: string): string[] {
    return [`${this.prefix}deadlines`, `${this.prefix}m:${stream}`, `${this.prefix}r:${stream}`, `${this.prefix}i:${stream}`];
  }
}

function member(sid: string, stream: string): string {
  return `${sid}\n${stream}`;
}

function parseInfo(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
