// Periodic timers of one subscription (Rails Channel::PeriodicTimers): started after `subscribed`, cleared on
// unsubscribe. A tick never overlaps the previous one, and an error in a tick is logged, not fatal.

import type { Logger } from '../log/logger';

/** The timers of one subscription. */
export class TimerSet {
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  /** Run `fn` every `everyMs` milliseconds until cleared. */
  every(everyMs: number, fn: () => unknown): void {
    if (!(everyMs > 0)) throw new RangeError('periodically: every must be a positive number of milliseconds');
    if (this.stopped) return;
    let running = false;
    const timer = setInterval(() => {
      if (running || this.stopped) return;
      running = true;
      Promise.resolve()
        .then(fn)
        .catch((err: unknown) => this.logger.error('periodic timer failed', { code: 'CABLE_CHANNEL_ERROR', err }))
        .finally(() => (running = false));
    }, everyMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Stop every timer; later `every` calls are ignored. */
  clear(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }
}
