// CatchUp: exactly-once, in-order delivery per stream while a subscription catches up (ext protocol). While its
// history is replayed (or a restored session waits for its client's history request) the live positioned frames of
// that subscription are held; afterwards the ones the replay or the client's own position already covers are dropped
// and the rest written in arrival order. A message can be in history before the hub has written its live frame, so
// each covered stream keeps a floor that drops such late duplicates until the first newer frame of the stream passes
// (the hub writes a stream's frames in offset order, so everything after it is newer too).

import type { PreparedFrame } from '../hub/hub';
import { dataFramePrefix, quoteIdentifier } from '../protocol/codec';
import type { StreamPosition } from '../protocol/messages';

interface Entry {
  /** `{"identifier":…,"message":` — how this subscription's data frames start. */
  readonly prefix: string;
  /** Live frames waiting for the replay to finish; null when not holding. */
  held: PreparedFrame[] | null;
  /** stream → newest position the client already has. */
  readonly floors: Map<string, StreamPosition>;
}

/** Frames one subscription may hold before they are written without waiting (bounds memory per connection). */
const MAX_HELD = 10_000;

/** The catch-up state of one connection's subscriptions. */
export class CatchUp {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly write: (frame: PreparedFrame) => void) {}

  /** Whether any subscription is holding or filtering (fast path for every other frame). */
  get active(): boolean {
    return this.entries.size > 0;
  }

  /** Start holding the live frames of `identifier`. */
  hold(identifier: string): void {
    const entry = this.entries.get(identifier);
    if (entry) entry.held ??= [];
    else this.entries.set(identifier, { prefix: dataFramePrefix(quoteIdentifier(identifier)), held: [], floors: new Map() });
  }

  /** Stop holding `identifier`: drop what `covered` (the client's positions after a replay) includes, write the rest. */
  release(identifier: string, covered: ReadonlyMap<string, StreamPosition>): void {
    const entry = this.entries.get(identifier);
    if (!entry) return;
    for (const [stream, position] of covered) {
      const floor = entry.floors.get(stream);
      if (!floor || floor.epoch !== position.epoch || floor.offset < position.offset) entry.floors.set(stream, { ...position });
    }
    const held = entry.held ?? [];
    entry.held = null;
    for (const frame of held) if (this.passes(entry, frame)) this.write(frame);
    this.tidy(identifier, entry);
  }

  /** Forget `identifier` (unsubscribed or rejected): held frames are dropped with the subscription. */
  forget(identifier: string): void {
    this.entries.delete(identifier);
  }

  /** Forget everything (socket closed). */
  clear(): void {
    this.entries.clear();
  }

  /** Take a live frame: true when it was held or dropped as already delivered, false when the caller writes it. */
  offer(frame: PreparedFrame): boolean {
    const text = frame.text;
    for (const [identifier, entry] of this.entries) {
      if (!text.startsWith(entry.prefix)) continue;
      if (entry.held) {
        entry.held.push(frame);
        if (entry.held.length >= MAX_HELD) this.release(identifier, new Map());
        return true;
      }
      const passes = this.passes(entry, frame);
      this.tidy(identifier, entry);
      return !passes;
    }
    return false;
  }

  private passes(entry: Entry, frame: PreparedFrame): boolean {
    if (entry.floors.size === 0) return true;
    const position = positionOf(frame.text);
    const floor = position && entry.floors.get(position.stream);
    if (!position || !floor) return true;
    if (floor.epoch === position.epoch && position.offset <= floor.offset) return false;
    entry.floors.delete(position.stream);
    return true;
  }

  private tidy(identifier: string, entry: Entry): void {
    if (!entry.held && entry.floors.size === 0 && this.entries.get(identifier) === entry) this.entries.delete(identifier);
  }
}

/** The position tail of an ext data frame: `…,"stream_id":…,"epoch":…,"offset":n}` (quotes inside strings are escaped). */
function positionOf(text: string): { stream: string; epoch: string; offset: number } | undefined {
  const at = text.lastIndexOf(',"stream_id":');
  if (at < 0) return undefined;
  try {
    const tail = JSON.parse(`{${text.slice(at + 1)}`) as { stream_id?: unknown; epoch?: unknown; offset?: unknown };
    if (typeof tail.stream_id !== 'string' || typeof tail.epoch !== 'string' || typeof tail.offset !== 'number') return undefined;
    return { stream: tail.stream_id, epoch: tail.epoch, offset: tail.offset };
  } catch {
    return undefined;
  }
}
