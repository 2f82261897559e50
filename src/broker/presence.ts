// Presence sets (AnyCable's presence, part of its broker): per stream, who is there. A record is one session's
// membership under a presence id (a user may be present from several sockets: one `join` event when the id first
// appears, one `leave` when its last session goes). A session that vanished without leaving keeps its records for
// the presence TTL, so a reconnecting client does not flap. `MemoryPresence` holds one process's sets;
// `RedisPresence` (redis-presence.ts) shares them between nodes.

import type { PresenceEvent, PresenceRecord } from '../protocol/messages';

export type { PresenceEvent, PresenceRecord } from '../protocol/messages';

/** Called with the `leave` events of records that expired (the broker broadcasts them). */
export type PresenceExpiry = (stream: string, event: PresenceEvent) => void;

/** The presence sets of every stream. `sid` is a session key unique across nodes. */
export interface PresenceStore {
  /**
   * Add `sid` under `id` to `stream`'s set (updating its info). Events to broadcast: `join` when `id` is new to the
   * stream, preceded by a `leave` when the session was there under another id that now has no session left.
   */
  join(stream: string, sid: string, id: string, info: unknown): Promise<PresenceEvent[]>;
  /** Remove `sid` from `stream`'s set; a `leave` event when it was the last session of its id. */
  leave(stream: string, sid: string): Promise<PresenceEvent | null>;
  /** Everyone present on `stream`, one record per id. */
  records(stream: string): Promise<PresenceRecord[]>;
  /** The session is gone: its records expire after the TTL unless it joins again first. */
  finish(sid: string): void;
  /** Where expiry `leave` events go. */
  onExpire(handler: PresenceExpiry): void;
  /** Stop timers. */
  close(): void;
}

/** Presence settings: how long a vanished session stays present (CABLE_PRESENCE_TTL_SECONDS). */
export interface PresenceOptions {
  ttlSeconds: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
  /** How often expired sessions are swept, in ms (default: a fifth of the TTL, at least 200 ms). */
  sweepMs?: number;
}

interface Member {
  info: unknown;
  sessions: Set<string>;
}

interface SessionEntry {
  /** stream → presence id */
  streams: Map<string, string>;
  /** When the session's records expire (ms), once it finished. */
  deadline?: number;
}

/** Presence in one process. */
export class MemoryPresence implements PresenceStore {
  private readonly streams = new Map<string, Map<string, Member>>();
  private readonly sessions = new Map<string, SessionEntry>();
  private expiry: PresenceExpiry = () => undefined;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: PresenceOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.sweep(), options.sweepMs ?? Math.max(200, (options.ttlSeconds * 1000) / 5));
    this.timer.unref();
  }

  async join(stream: string, sid: string, id: string, info: unknown): Promise<PresenceEvent[]> {
    let session = this.sessions.get(sid);
    if (!session) this.sessions.set(sid, (session = { streams: new Map() }));
    session.deadline = undefined;
    const previous = session.streams.get(stream);
    // One id per session and stream: joining again under another id first leaves the old one.
    const left = previous !== undefined && previous !== id ? this.drop(stream, sid, previous) : null;
    const events: PresenceEvent[] = left ? [left] : [];
    session.streams.set(stream, id);
    let members = this.streams.get(stream);
    if (!members) this.streams.set(stream, (members = new Map()));
    const member = members.get(id);
    if (member) {
      member.info = info;
      member.sessions.add(sid);
      return events;
    }
    members.set(id, { info, sessions: new Set([sid]) });
    return [...events, { type: 'join', id, info }];
  }

  async leave(stream: string, sid: string): Promise<PresenceEvent | null> {
    const session = this.sessions.get(sid);
    const id = session?.streams.get(stream);
    if (!session || id === undefined) return null;
    session.streams.delete(stream);
    if (session.streams.size === 0) this.sessions.delete(sid);
    return this.drop(stream, sid, id);
  }

  async records(stream: string): Promise<PresenceRecord[]> {
    return [...(this.streams.get(stream)?.entries() ?? [])].map(([id, m]) => ({ id, info: m.info }));
  }

  finish(sid: string): void {
    const session = this.sessions.get(sid);
    if (session) session.deadline = this.now() + this.options.ttlSeconds * 1000;
  }

  onExpire(handler: PresenceExpiry): void {
    this.expiry = handler;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Remove the records of sessions whose TTL ran out, broadcasting a `leave` for every id that is gone. */
  sweep(): void {
    const now = this.now();
    for (const [sid, session] of this.sessions) {
      if (session.deadline === undefined || session.deadline > now) continue;
      this.sessions.delete(sid);
      for (const [stream, id] of session.streams) {
        const event = this.drop(stream, sid, id);
        if (event) this.expiry(stream, event);
      }
    }
  }

  private drop(stream: string, sid: string, id: string): PresenceEvent | null {
    const members = this.streams.get(stream);
    const member = members?.get(id);
    if (!members || !member || !member.sessions.delete(sid) || member.sessions.size > 0) return null;
    members.delete(id);
    if (members.size === 0) this.streams.delete(stream);
    return { type: 'leave', id };
  }
}
