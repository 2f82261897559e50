// ManualClock: a channel Clock whose time moves only when a test advances it. Due timers run in time order and each
// run's work (the promise its callback returns) settles before the next, so periodic and one-shot channel timers
// are tested without real sleeps.

import type { Clock } from '../channel/periodic';

interface Timer {
  at: number;
  /** The period of a repeating timer; undefined for a one-shot timer. */
  every: number | undefined;
  seq: number;
  fn: () => unknown;
}

/** A Clock driven by `advance(ms)`. */
export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Set<Timer>();

  /** Milliseconds advanced so far. */
  get now(): number {
    return this.time;
  }

  /** Timers scheduled and not yet finished or cancelled. */
  get pending(): number {
    return this.timers.size;
  }

  every(ms: number, fn: () => unknown): () => void {
    return this.schedule(ms, ms, fn);
  }

  after(ms: number, fn: () => unknown): () => void {
    return this.schedule(ms, undefined, fn);
  }

  /** Move time forward by `ms`, running every timer due on the way, in order, each after the previous one's work settled. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (let timer = this.nextDue(end); timer; timer = this.nextDue(end)) {
      this.time = timer.at;
      if (timer.every === undefined) this.timers.delete(timer);
      else timer.at += timer.every;
      await timer.fn();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = end;
  }

  private schedule(ms: number, every: number | undefined, fn: () => unknown): () => void {
    const timer: Timer = { at: this.time + ms, every, seq: this.seq++, fn };
    this.timers.add(timer);
    return () => void this.timers.delete(timer);
  }

  private nextDue(end: number): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.timers) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
    return next;
  }
}
