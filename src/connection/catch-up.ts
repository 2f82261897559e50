// CatchUp: exactly-once, in-order delivery per stream while a subscription catches up (ext protocol). While its
// history is replayed (or a restored session waits for its client's history request) the live positioned frames of
// that subscription are held; afterwards the ones the replay or the client's own position already covers are dropped
// and the rest written in arrival order. A message can be in history before the hub has written its live frame, so
// each covered stream keeps a floor that drops such late duplicates until the first newer frame of the stream passes
// (the hub writes a stream's frames in offset order, so everything after it is newer too).

import type { PreparedFrame } from '../protocol/codec';
import { quoteIdentifier } from '../protocol/codec';
import type { StreamPosition } from '../protocol/messages';

interface Entry {
  /** Live frames waiting for the replay to finish; null when not holding. */
  held: PreparedFrame[] | null;
  /** stream → newest position the client already has. */
  readonly floors: Map<string, StreamPosition>;
}

/** Frames one subscription may hold before they are written without waiting (bounds memory per connection). */
const MAX_HELD = 10_000;

/** The catch-up state of one connection's subscriptions, keyed by quoted identifier (what a data frame carries). */
export class CatchUp {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly write: (frame: PreparedFrame) => void) {}

  /** Whether any subscription is holding or filtering (fast path for every other frame). */
  get active(): boolean {
    return this.entries.size > 0;
  }

  /** Start holding the live frames of `identifier`. */
  hold(identifier: string): void {
    const key = quoteIdentifier(identifier);
    const entry = this.entries.get(key);
    if (entry) entry.held ??= [];
    else this.entries.set(key, { held: [], floors: new Map() });
  }

  /** Stop holding `identifier`: drop what `covered` (the client's positions after a replay) includes, write the rest. */
  release(identifier: string, covered: ReadonlyMap<string, StreamPosition>): void {
    this.releaseKey(quoteIdentifier(identifier), covered);
  }

  /** Forget `identifier` (unsubscribed or rejected): held frames are dropped with the subscription. */
  forget(identifier: string): void {
    this.entries.delete(quoteIdentifier(identifier));
  }

  /** Forget everything (socket closed). */
  clear(): void {
    this.entries.clear();
  }

  /** Take a live frame: true when it was held or dropped as already delivered, false when the caller writes it. */
  offer(frame: PreparedFrame): boolean {
    const entry = frame.identifier === undefined ? undefined : this.entries.get(frame.identifier);
    if (!entry) return false;
    if (entry.held) {
      entry.held.push(frame);
      if (entry.held.length >= MAX_HELD) this.releaseKey(frame.identifier as string, new Map());
      return true;
    }
    const passes = this.passes(entry, frame);
    this.tidy(frame.identifier as string, entry);
    return !passes;
  }

  private releaseKey(key: string, covered: ReadonlyMap<string, StreamPosition>): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    for (const [stream, position] of covered) {
      const floor = entry.floors.get(stream);
      if (!floor || floor.epoch !== position.epoch || floor.offset < position.offset) entry.floors.set(stream, { ...position });
    }
    const held = entry.held ?? [];
    entry.held = null;
    for (const frame of held) if (this.passes(entry, frame)) this.write(frame);
    this.tidy(key, entry);
  }

  private passes(entry: Entry, frame: PreparedFrame): boolean {
    const floor = frame.stream === undefined ? undefined : entry.floors.get(frame.stream);
    if (!floor || !frame.position) return true;
    if (floor.epoch === frame.position.epoch && frame.position.offset <= floor.offset) return false;
    entry.floors.delete(frame.stream as string);
    return true;
  }

  private tidy(key: string, entry: Entry): void {
    if (!entry.held && entry.floors.size === 0 && this.entries.get(key) === entry) this.entries.delete(key);
  }
}
