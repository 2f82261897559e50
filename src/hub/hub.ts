// The broadcast fan-out hub: one pub/sub subscription per stream per process, and for each stream the
// identifiers holding it and the sessions holding each identifier. A payload becomes one frame string per
// identifier, shared by every session of that identifier (DESIGN decision 4: encode once, never per subscriber).
// Deliveries go through one FIFO in publish order and at most `slice` socket writes run per macrotask: a broadcast
// to 10k subscribers is written in a few slices with I/O (pings, commands, accepts) served in between, instead of
// stalling the event loop for the whole fan-out.

import type { MessageHandler, MessagePosition, PubSubAdapter } from '../pubsub/adapter';
import type { Logger } from '../log/logger';
import { dataFrame, dataFramePrefix, encodePresenceFrame, normalizePayload, positionTail, PreparedFrame, type DataFramePrefix } from '../protocol/codec';
import { TransientBus, type TransientKind } from './transient';

export { PreparedFrame } from '../protocol/codec';

/** What the hub needs from a connection: a way to write a prepared frame, and its protocol flavour. */
export interface HubSession {
  /** Whether the session speaks the ext protocol (frames carry stream_id, epoch, offset). */
  readonly ext: boolean;
  sendFrame(frame: PreparedFrame): void;
  /** Write the frames of `run` in order, in one write when the transport can; without it each is sent on its own. */
  sendRun?(run: FrameRun): void;
}

/**
 * Consecutive broadcasts queued for the same sessions, written to each of them together: a socket under load gets
 * one write for several frames instead of one per frame (the writes are most of a fan-out's cost). `wire` is the
 * transport's encoding of the whole run, made once and shared like a frame's.
 */
export class FrameRun {
  wire: unknown = undefined;
  constructor(readonly frames: readonly PreparedFrame[]) {}
}

/** Broadcasts one run may join. */
const MAX_RUN = 16;

/** A custom stream callback receiving the decoded message (Rails `stream_from name, callback`). */
export type StreamCallback = (message: unknown) => void;

/** A server-side receiver of a stream's decoded messages, as an object (one per connection needs no closure). */
export interface StreamListener {
  receiveStreamMessage(message: unknown): void;
}

interface IdentifierEntry {
  readonly prefix: DataFramePrefix;
  readonly sessions: Set<HubSession>;
  readonly extSessions: Set<HubSession>;
}

/** A group of sessions a frame is written to: a Set, or a view over the keys of a Map. */
export interface SessionGroup {
  readonly size: number;
  has(session: HubSession): boolean;
  [Symbol.iterator](): Iterator<HubSession>;
}

/** One frame for the members of one identifier (of one protocol flavour). */
interface Batch {
  readonly frame: PreparedFrame | FrameRun;
  readonly members: SessionGroup;
  /** The members not yet written, snapshotted when a slice ends inside this batch. */
  rest?: HubSession[];
  at: number;
}

/** A broadcast (or server-wide frame such as the ping) being delivered. */
interface Job {
  readonly batches: Batch[];
  next: number;
  /** Runs once every batch is written (a stream's callbacks). */
  readonly after?: () => void;
  /** Whether its writes count as broadcast deliveries (pings do not). */
  readonly counted: boolean;
  /** When the broadcast reached the hub (performance.now()), for the fan-out time. */
  readonly at?: number;
  /** Broadcasts joined into this one (FrameRun): each counts its deliveries, fan-out time and callbacks. */
  joined?: Job[];
}

/** Hub tuning and observers. */
export interface HubOptions {
  /** Socket writes per macrotask before the hub yields to I/O (default 2048). */
  slice?: number;
  /**
   * Write broadcasts at the end of the loop iteration they arrive in (the check phase), so that those of one
   * iteration join runs; off, each is written as it arrives (the test kit's synchronous delivery). The server sets it.
   */
  gather?: boolean;
  /** Called once per broadcast received from pub/sub (metrics). */
  onBroadcast?: () => void;
  /** Called with the seconds from a broadcast's arrival to its last socket write (metrics). */
  onFanout?: (seconds: number) => void;
}

/** Socket writes per macrotask: ~15 ms of fan-out on a 2-core machine, far under a ping interval. */
export const DEFAULT_DELIVERY_SLICE = 2048;

interface StreamEntry {
  readonly ids: Map<string, IdentifierEntry>;
  readonly callbacks: Set<StreamCallback | StreamListener>;
  readonly handler: MessageHandler;
  ready: Promise<void>;
  /** Broadcasts received on this stream since its pub/sub subscription began (the dashboard's busiest streams). */
  broadcasts: number;
}

/** A stream as the operator dashboard lists it. */
export interface StreamLoad {
  stream: string;
  /** Sessions holding the stream (one per subscription identifier of each connection). */
  subscribers: number;
  /** Broadcasts received since this node subscribed the stream. */
  broadcasts: number;
}

/** Fan-out of pub/sub payloads to subscribed sessions. */
export class Hub {
  /** Whispers and presence events: delivered here at once and shared with other nodes once `transient.share` ran. */
  readonly transient: TransientBus<HubSession>;
  private readonly streams = new Map<string, StreamEntry>();
  private deliveries = 0;
  private readonly queue: Job[] = [];
  private readonly slice: number;
  /** Socket writes made in the current macrotask. */
  private spent = 0;
  private pumping = false;
  private tick: NodeJS.Immediate | undefined;

  constructor(private readonly pubsub: PubSubAdapter, private readonly logger: Logger, private readonly options: HubOptions = {}) {
    this.slice = Math.max(1, options.slice ?? DEFAULT_DELIVERY_SLICE);
    this.transient = new TransientBus<HubSession>((stream, kind, payload, from) => this.deliverTransient(stream, kind, payload, from), logger);
  }

  /** Attach `session` under `quotedIdentifier` to `stream`; resolves when the stream is live in pub/sub. */
  add(stream: string, quotedIdentifier: string, session: HubSession): Promise<void> {
    const entry = this.entryFor(stream);
    let ids = entry.ids.get(quotedIdentifier);
    if (!ids) entry.ids.set(quotedIdentifier, (ids = { prefix: dataFramePrefix(quotedIdentifier), sessions: new Set(), extSessions: new Set() }));
    (session.ext ? ids.extSessions : ids.sessions).add(session);
    return entry.ready;
  }

  /** Detach `session` from `stream` under `quotedIdentifier`; the pub/sub subscription ends with the last one. */
  remove(stream: string, quotedIdentifier: string, session: HubSession): void {
    const entry = this.streams.get(stream);
    const ids = entry?.ids.get(quotedIdentifier);
    if (!entry || !ids) return;
    (session.ext ? ids.extSessions : ids.sessions).delete(session);
    if (ids.sessions.size === 0 && ids.extSessions.size === 0) entry.ids.delete(quotedIdentifier);
    this.releaseIfEmpty(stream, entry);
  }

  /** Attach a decoded-message callback (or listener) to `stream`; resolves when live. */
  addCallback(stream: string, callback: StreamCallback | StreamListener): Promise<void> {
    const entry = this.entryFor(stream);
    entry.callbacks.add(callback);
    return entry.ready;
  }

  /** Detach a callback added with addCallback. */
  removeCallback(stream: string, callback: StreamCallback | StreamListener): void {
    const entry = this.streams.get(stream);
    if (!entry) return;
    entry.callbacks.delete(callback);
    this.releaseIfEmpty(stream, entry);
  }

  /** Number of streams with local subscribers. */
  get streamCount(): number {
    return this.streams.size;
  }

  /**
   * The `limit` streams with subscribers that had the most broadcasts, then the most subscribers (one pass over the
   * streams; streams held only by server callbacks, such as the internal `action_cable/…` ones, are left out).
   */
  busiestStreams(limit = 10): StreamLoad[] {
    // A bounded top-k: the dashboard asks every few seconds, and a node may hold a hundred thousand streams.
    const top: StreamLoad[] = [];
    const before = (a: StreamLoad, b: StreamLoad) => a.broadcasts > b.broadcasts || (a.broadcasts === b.broadcasts && a.subscribers > b.subscribers);
    for (const [stream, entry] of this.streams) {
      const load = { stream, subscribers: subscribersOf(entry), broadcasts: entry.broadcasts };
      if (load.subscribers === 0) continue;
      if (top.length === limit && !before(load, top[limit - 1] as StreamLoad)) continue;
      let i = top.length;
      while (i > 0 && before(load, top[i - 1] as StreamLoad)) i -= 1;
      top.splice(i, 0, load);
      if (top.length > limit) top.pop();
    }
    return top;
  }

  /** Frames delivered since start (for /health and benchmarks). */
  get deliveryCount(): number {
    return this.deliveries;
  }

  /** Broadcasts received but not yet fully written (waiting for the next slice). */
  get pendingBroadcasts(): number {
    return this.queue.length;
  }

  /** Write `frame` to every member of `sessions` (the server's ping), in order with broadcasts and in slices. */
  sendToEach(frame: PreparedFrame, sessions: SessionGroup): void {
    this.queue.push({ batches: [{ frame, members: sessions, at: 0 }], next: 0, counted: false });
    if (!this.pumping) this.pump();
  }

  /** Resolves once every broadcast received so far has been written (tests, graceful stop). */
  async drained(): Promise<void> {
    while (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }

  private entryFor(stream: string): StreamEntry {
    const existing = this.streams.get(stream);
    if (existing) return existing;
    const entry: StreamEntry = {
      ids: new Map(),
      callbacks: new Set(),
      handler: (payload, position) => this.deliver(stream, entry, payload, position),
      ready: Promise.resolve(),
      broadcasts: 0,
    };
    this.streams.set(stream, entry);
    entry.ready = this.pubsub.subscribe(stream, entry.handler).catch((err: unknown) => {
      if (this.streams.get(stream) === entry) this.streams.delete(stream);
      throw err;
    });
    return entry;
  }

  private releaseIfEmpty(stream: string, entry: StreamEntry): void {
    if (entry.ids.size > 0 || entry.callbacks.size > 0) return;
    if (this.streams.get(stream) === entry) this.streams.delete(stream);
    this.pubsub.unsubscribe(stream, entry.handler).catch((err: unknown) => this.logger.warn('pubsub unsubscribe failed', { stream, err }));
  }

  private deliver(stream: string, entry: StreamEntry, raw: string, position?: MessagePosition): void {
    // Rails decodes every payload (dropping what is not JSON) and re-encodes it; we do it once per stream.
    const payload = normalizePayload(raw);
    if (payload === null) {
      this.logger.warn('dropped non-JSON broadcast payload', { code: 'CABLE_MALFORMED_PAYLOAD', stream });
      return;
    }
    // Built once per broadcast: ext subscribers of unpositioned messages (a Rails PUBLISH) get the plain frame.
    const tail = position ? positionTail(stream, position) : undefined;
    const batches: Batch[] = [];
    for (const ids of entry.ids.values()) {
      if (ids.sessions.size > 0) batches.push({ frame: dataFrame(ids.prefix, payload, stream), members: ids.sessions, at: 0 });
      if (ids.extSessions.size > 0) batches.push({ frame: dataFrame(ids.prefix, payload, stream, tail), members: ids.extSessions, at: 0 });
    }
    const after = entry.callbacks.size > 0 ? () => this.runCallbacks(stream, entry, payload) : undefined;
    entry.broadcasts += 1;
    this.options.onBroadcast?.();
    this.queue.push({ batches, next: 0, after, counted: true, at: this.options.onFanout ? performance.now() : undefined });
    if (this.pumping) return;
    // With `gather`, written at the end of this loop iteration rather than now: the broadcasts that arrive in the same
    // iteration for the same sessions then leave as one run (one write per socket for all of them).
    if (this.options.gather) this.tick ??= setImmediate(this.nextSlice);
    else this.pump();
  }

  /**
   * Deliver a transient message of `stream` to this process's subscribers, never stored and never positioned: a
   * whisper as a data frame to every subscriber but `from` (the sender), a presence event as a presence frame to
   * the ext-protocol subscribers (the clients that speak presence). Stream callbacks do not see them.
   */
  deliverTransient(stream: string, kind: TransientKind, payload: string, from?: HubSession): void {
    const entry = this.streams.get(stream);
    if (!entry) return;
    const batches: Batch[] = [];
    for (const ids of entry.ids.values()) {
      if (kind === 'presence') {
        if (ids.extSessions.size > 0) batches.push({ frame: new PreparedFrame(encodePresenceFrame(ids.prefix.identifier, payload), ids.prefix.identifier, stream), members: ids.extSessions, at: 0 });
        continue;
      }
      const frame = dataFrame(ids.prefix, payload, stream);
      for (const members of [ids.sessions, ids.extSessions]) {
        const group = from && members.has(from) ? without(members, from) : members;
        if (group.size > 0) batches.push({ frame, members: group, at: 0 });
      }
    }
    if (batches.length === 0) return;
    this.queue.push({ batches, next: 0, counted: true });
    if (!this.pumping) this.pump();
  }

  /** Write queued broadcasts in order until this macrotask's slice is spent; the rest waits for the next one. */
  private pump(): void {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.spent < this.slice) {
        let done = true;
        try {
          done = this.advance(this.joinRun());
        } catch (err) {
          // A session must not throw; if one does, drop that broadcast rather than write it twice to the others.
          this.logger.error('broadcast delivery failed', { err });
        }
        if (done) this.queue.shift();
      }
    } finally {
      this.pumping = false;
    }
    if (this.spent > 0 || this.queue.length > 0) this.tick ??= setImmediate(this.nextSlice);
  }

  private readonly nextSlice = (): void => {
    this.tick = undefined;
    this.spent = 0;
    this.pump();
  };

  /**
   * The job at the head of the queue; when it has not started and the broadcasts queued right behind it go to the
   * same sessions (one identifier set, no ext positions), they become one job writing a FrameRun.
   */
  private joinRun(): Job {
    const head = this.queue[0] as Job;
    const frame = runnable(head);
    if (!frame) return head;
    const members = (head.batches[0] as Batch).members;
    let n = 1;
    while (n < MAX_RUN && n < this.queue.length) {
      const next = this.queue[n] as Job;
      if (!runnable(next) || (next.batches[0] as Batch).members !== members) break;
      n += 1;
    }
    if (n === 1) return head;
    const joined = this.queue.slice(0, n);
    const run = new FrameRun(joined.map((j) => (j.batches[0] as Batch).frame as PreparedFrame));
    const job: Job = { batches: [{ frame: run, members, at: 0 }], next: 0, counted: true, joined };
    this.queue.splice(0, n, job);
    return job;
  }

  /** Write as much of `job` as the slice allows; true when it is complete (callbacks run last). */
  private advance(job: Job): boolean {
    while (job.next < job.batches.length) {
      const batch = job.batches[job.next] as Batch;
      if (!this.writeBatch(batch, job.counted)) return false;
      job.next += 1;
    }
    for (const done of job.joined ?? [job]) {
      done.after?.();
      if (done.at !== undefined) this.options.onFanout?.((performance.now() - done.at) / 1000);
    }
    return true;
  }

  /** Write `batch` to its members within the slice; false when the slice ended first. */
  private writeBatch(batch: Batch, counted: boolean): boolean {
    const { frame, members } = batch;
    const frames = frame instanceof FrameRun ? frame.frames.length : 1;
    if (batch.rest === undefined) {
      if (this.spent + members.size <= this.slice) {
        for (const session of members) write(session, frame);
        this.spent += members.size;
        if (counted) this.deliveries += members.size * frames;
        return true;
      }
      // Too big for what is left of this slice: fix the recipients now. Later slices skip members that have left
      // (no frames after unsubscribe) and never reach sessions that joined after the broadcast.
      batch.rest = [...members];
    }
    const rest = batch.rest;
    while (batch.at < rest.length) {
      if (this.spent >= this.slice) return false;
      const session = rest[batch.at++] as HubSession;
      this.spent += 1;
      if (!members.has(session)) continue;
      write(session, frame);
      if (counted) this.deliveries += frames;
    }
    return true;
  }

  private runCallbacks(stream: string, entry: StreamEntry, payload: string): void {
    const message: unknown = JSON.parse(payload);
    for (const cb of entry.callbacks) {
      try {
        if (typeof cb === 'function') cb(message);
        else cb.receiveStreamMessage(message);
      } catch (err) {
        this.logger.error('stream callback failed', { stream, err });
      }
    }
  }
}

/** The frame of a broadcast that may join a run: not started, one batch, no ext position, counted. */
function runnable(job: Job): PreparedFrame | undefined {
  if (job.next !== 0 || job.joined || !job.counted || job.batches.length !== 1) return undefined;
  const batch = job.batches[0] as Batch;
  if (batch.rest !== undefined || !(batch.frame instanceof PreparedFrame) || batch.frame.position !== undefined) return undefined;
  return batch.frame;
}

/** Write a frame, or a run of frames (in one write where the session can). */
function write(session: HubSession, frame: PreparedFrame | FrameRun): void {
  if (!(frame instanceof FrameRun)) return session.sendFrame(frame);
  if (session.sendRun) return session.sendRun(frame);
  for (const f of frame.frames) session.sendFrame(f);
}

/** `members` without `excluded`, as a live view (a session that leaves later is skipped like any other). */
function without(members: Set<HubSession>, excluded: HubSession): SessionGroup {
  return {
    get size() {
      return members.size - (members.has(excluded) ? 1 : 0);
    },
    has: (session) => session !== excluded && members.has(session),
    *[Symbol.iterator]() {
      for (const session of members) if (session !== excluded) yield session;
    },
  };
}

/** Sessions holding a stream, over its identifiers. */
function subscribersOf(entry: StreamEntry): number {
  let n = 0;
  for (const ids of entry.ids.values()) n += ids.sessions.size + ids.extSessions.size;
  return n;
}
