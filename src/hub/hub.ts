// The broadcast fan-out hub: one pub/sub subscription per stream per process, and for each stream the
// identifiers holding it and the sessions holding each identifier. A payload becomes one frame string per
// identifier, shared by every session of that identifier (DESIGN decision 4: encode once, never per subscriber).

import type { MessageHandler, MessagePosition, PubSubAdapter } from '../pubsub/adapter';
import type { Logger } from '../log/logger';
import { dataFramePrefix, normalizePayload, railsJson } from '../protocol/codec';

/** A frame built once and written to many sockets; transports may cache their wire encoding in `wire`. */
export class PreparedFrame {
  wire: unknown = undefined;
  constructor(readonly text: string) {}
}

/** What the hub needs from a connection: a way to write a prepared frame, and its protocol flavour. */
export interface HubSession {
  /** Whether the session speaks the ext protocol (frames carry stream_id, epoch, offset). */
  readonly ext: boolean;
  sendFrame(frame: PreparedFrame): void;
}

/** A custom stream callback receiving the decoded message (Rails `stream_from name, callback`). */
export type StreamCallback = (message: unknown) => void;

interface IdentifierEntry {
  readonly prefix: string;
  readonly sessions: Set<HubSession>;
  readonly extSessions: Set<HubSession>;
}

interface StreamEntry {
  readonly ids: Map<string, IdentifierEntry>;
  readonly callbacks: Set<StreamCallback>;
  readonly handler: MessageHandler;
  ready: Promise<void>;
}

/** Fan-out of pub/sub payloads to subscribed sessions. */
export class Hub {
  private readonly streams = new Map<string, StreamEntry>();
  private deliveries = 0;

  constructor(private readonly pubsub: PubSubAdapter, private readonly logger: Logger) {}

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

  /** Attach a decoded-message callback to `stream`; resolves when live. */
  addCallback(stream: string, callback: StreamCallback): Promise<void> {
    const entry = this.entryFor(stream);
    entry.callbacks.add(callback);
    return entry.ready;
  }

  /** Detach a callback added with addCallback. */
  removeCallback(stream: string, callback: StreamCallback): void {
    const entry = this.streams.get(stream);
    if (!entry) return;
    entry.callbacks.delete(callback);
    this.releaseIfEmpty(stream, entry);
  }

  /** Number of streams with local subscribers. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Frames delivered since start (for /health and benchmarks). */
  get deliveryCount(): number {
    return this.deliveries;
  }

  private entryFor(stream: string): StreamEntry {
    const existing = this.streams.get(stream);
    if (existing) return existing;
    const entry: StreamEntry = {
      ids: new Map(),
      callbacks: new Set(),
      handler: (payload, position) => this.deliver(stream, entry, payload, position),
      ready: Promise.resolve(),
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
      this.logger.warn('dropped non-JSON broadcast payload', { code: 'CABLE_MALFORMED_COMMAND', stream });
      return;
    }
    const suffix = position ? positionSuffix(stream, position) : '}';
    for (const ids of entry.ids.values()) {
      if (ids.sessions.size > 0) {
        const frame = new PreparedFrame(ids.prefix + payload + '}');
        for (const session of ids.sessions) session.sendFrame(frame);
        this.deliveries += ids.sessions.size;
      }
      if (ids.extSessions.size > 0) {
        const frame = new PreparedFrame(ids.prefix + payload + suffix);
        for (const session of ids.extSessions) session.sendFrame(frame);
        this.deliveries += ids.extSessions.size;
      }
    }
    if (entry.callbacks.size > 0) this.runCallbacks(stream, entry, payload);
  }

  private runCallbacks(stream: string, entry: StreamEntry, payload: string): void {
    const message: unknown = JSON.parse(payload);
    for (const cb of entry.callbacks) {
      try {
        cb(message);
      } catch (err) {
        this.logger.error('stream callback failed', { stream, err });
      }
    }
  }
}

/** `,"stream_id":…,"epoch":…,"offset":…}` — the ext-protocol tail of a positioned data frame. */
function positionSuffix(stream: string, position: MessagePosition): string {
  return `,"stream_id":${railsJson(stream)},"epoch":${railsJson(position.epoch)},"offset":${position.offset}}`;
}
