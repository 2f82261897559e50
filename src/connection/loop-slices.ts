// Connection set-up work in slices of the event loop. A connect storm hands the process thousands of upgrades,
// identities and first commands at once: libuv reads up to 1,024 ready sockets per poll (and polls again while
// the batch is full), and one resolved identity look-up resumes every connection waiting for it in one microtask
// run. Done as it comes, that is a loop iteration of seconds: no timer fires, no ping goes out, and the kernel's
// accept queue overflows (clients retry their SYN a second or three later). Set-up work goes through one
// process-wide LoopSlices instead: it runs at once while the current stretch of the loop is within its budget, and
// otherwise waits, in arrival order, for a later iteration (each of which runs a budget's worth of it). Timers,
// accepts and reads get a turn between slices; nothing is dropped, only spread. docs/architecture.md, "Connect storms".

/** Milliseconds of set-up work one stretch of the event loop takes before the rest waits for the next iteration. */
export const SLICE_BUDGET_MS = 10;
/** The budget while new TCP connections pour in: accepting them first keeps the kernel's accept queue from overflowing. */
export const BURST_BUDGET_MS = 2;
/** New connections within BURST_WINDOW_MS that make a burst (a burst lasts until a window passes without one). */
export const BURST_ARRIVALS = 32;
export const BURST_WINDOW_MS = 20;

type Work = () => void;

/** Runs work at once while the loop has budget left in this stretch, else in arrival order in later iterations. */
export class LoopSlices {
  private queue: Array<Work | undefined> = [];
  private head = 0;
  /** When the current stretch's budget started (−1: no work in this iteration yet). */
  private stretchStart = -1;
  private draining = false;
  /** TCP connections accepted in the current window (arrived()), and until when the burst budget applies. */
  private windowStart = -Infinity;
  private windowArrivals = 0;
  private burstUntil = -Infinity;
  private readonly endStretch = (): void => {
    this.stretchStart = -1;
  };
  private readonly drainLater = (): void => void this.drain();

  constructor(private readonly budgetMs = SLICE_BUDGET_MS, private readonly now: () => number = () => performance.now()) {}

  /**
   * A TCP connection was accepted. Dropped SYNs are retried by clients only after 1 s, then 3 s: while connections
   * arrive in a burst, set-up work takes a small budget per iteration, so the loop is back at accepting sooner and
   * the connections wait here (queued work) rather than in an overflowing kernel queue.
   */
  arrived(): void {
    const now = this.now();
    if (now - this.windowStart > BURST_WINDOW_MS) {
      this.windowStart = now;
      this.windowArrivals = 0;
    }
    this.windowArrivals += 1;
    if (this.windowArrivals >= BURST_ARRIVALS) this.burstUntil = now + BURST_WINDOW_MS;
  }

  /** The budget of the stretch now: small during a burst of arrivals. */
  private get budget(): number {
    return this.now() < this.burstUntil ? Math.min(this.budgetMs, BURST_BUDGET_MS) : this.budgetMs;
  }

  /** Work waiting for a later iteration. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Run `work` now when nothing waits and the stretch has budget, otherwise after everything queued before it. */
  run(work: Work): void {
    if (this.waiting === 0 && this.withinBudget()) return work();
    this.queue.push(work);
    if (!this.draining) {
      this.draining = true;
      setImmediate(this.drainLater);
    }
  }

  /**
   * For async set-up steps: undefined when the caller may go on now, else a promise resolved when its turn comes
   * (`const t = slices.turn(); if (t) await t;` costs nothing when there is no storm).
   */
  turn(): Promise<void> | undefined {
    if (this.waiting === 0 && this.withinBudget()) return undefined;
    return new Promise<void>((resolve) => this.run(resolve));
  }

  /** Whether the current stretch may take more work; the first work of an iteration opens a stretch that ends with it. */
  private withinBudget(): boolean {
    const now = this.now();
    if (this.stretchStart < 0) {
      this.stretchStart = now;
      setImmediate(this.endStretch);
      return true;
    }
    return now - this.stretchStart < this.budget;
  }

  /**
   * A budget's worth of waiting work (in the check phase of an iteration). After each item the resumed caller of a
   * turn() takes its next step before the clock is read again; what is left goes to the next iteration.
   */
  private async drain(): Promise<void> {
    const start = this.now();
    this.stretchStart = start;
    const budget = this.budget;
    while (this.head < this.queue.length) {
      if (this.now() - start >= budget) {
        setImmediate(this.drainLater);
        return;
      }
      const work = this.queue[this.head] as Work;
      this.queue[this.head] = undefined;
      this.head += 1;
      try {
        work();
      } catch {
        // Work guards itself (it is the caller's own code); a throw must not stop the queue behind it.
      }
      await null;
      await null;
    }
    this.queue = [];
    this.head = 0;
    this.draining = false;
    this.stretchStart = -1; // the next work opens a stretch of its own
  }
}

/** The process's one event loop, so one budget: the WebSocket server and every connection share it. */
export const loopSlices = new LoopSlices();
