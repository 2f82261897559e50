// Timers of one subscription (Rails Channel::PeriodicTimers, plus one-shot timers): started by the channel, all
// cleared on unsubscribe. A periodic tick never overlaps the previous one, and an error in a timer is logged, not
// fatal. Timers run on a replaceable clock, so tests advance time instead of sleeping (src/testing/manual-clock.ts).

import type { Logger } from '../log/logger';

/**
 * Schedules channel timers; each call returns a function that cancels the timer. A callback may return the promise of
 * the work it started, so a test clock can wait for it; the real clock ignores it.
 */
export interface Clock {
  /** Call `fn` every `ms` milliseconds until cancelled. */
  every(ms: number, fn: () => unknown): () => void;
  /** Call `fn` once after `ms` milliseconds unless cancelled. */
  after(ms: number, fn: () => unknown): () => void;
}

/** The real clock: Node timers that never keep the process alive. */
export const systemClock: Clock = {
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

let clock: Clock = systemClock;

/** Make channel timers created from now on use `next` (a test clock); returns a function restoring the previous one. */
export function useClock(next: Clock): () => void {
  const previous = clock;
  clock = next;
  return () => {
    clock = previous;
  };
}

/** The timers of one subscription. */
export class TimerSet {
  private readonly cancels = new Set<() => void>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  /** Run `fn` every `everyMs` milliseconds until cleared; a tick is skipped while the previous one still runs. */
  every(everyMs: number, fn: () => unknown): void {
    if (!(everyMs > 0)) throw new RangeError('periodically: every must be a positive number of milliseconds');
    if (this.stopped) return;
    let running = false;
    this.cancels.add(
      clock.every(everyMs, () => {
        if (running || this.stopped) return undefined;
        running = true;
        return this.run(fn, 'periodic timer failed').finally(() => (running = false));
      }),
    );
  }

  /** Run `fn` once after `ms` milliseconds unless cleared first; returns a function that cancels it. */
  after(ms: number, fn: () => unknown): () => void {
    if (this.stopped) return () => undefined;
    const cancel = clock.after(ms, () => {
      this.cancels.delete(cancel);
      return this.stopped ? undefined : this.run(fn, 'timer failed');
    });
    this.cancels.add(cancel);
    return () => {
      if (this.cancels.delete(cancel)) cancel();
    };
  }

  /** Stop every timer; later `every` and `after` calls are ignored. */
  clear(): void {
    this.stopped = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }

  private run(fn: () => unknown, failure: string): Promise<void> {
    return Promise.resolve()
      .then(fn)
      .then(
        () => undefined,
        (err: unknown) => this.logger.error(failure, { code: 'CABLE_CHANNEL_ERROR', err }),
      );
  }
}
