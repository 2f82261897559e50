// The ordered command queue of one connection (Rails processes a connection's messages one at a time): every step
// runs after the previous one settled, a failing step is logged and the queue goes on, and once too many client
// commands are waiting the socket stops being read until half of them have run (backpressure, nothing dropped).

import { codeOf } from '../errors';
import type { Logger } from '../log/logger';
import type { Transport } from './types';

/** The tail of every queue with nothing left to run (an idle connection holds no promise of its own). */
const SETTLED: Promise<void> = Promise.resolve();

/** Steps of one connection, in order. */
export class CommandQueue {
  private chain: Promise<void> = SETTLED;
  private pending = 0;
  private paused = false;

  constructor(private readonly transport: Pick<Transport, 'pause' | 'resume'>, private readonly logger: Logger, private readonly max: number) {}

  /** Run `step` after everything queued before it. */
  run(step: () => Promise<void> | void): void {
    const tail = this.chain.then(step).catch((err: unknown) => {
      this.logger.error('command failed', { code: codeOf(err), err });
    });
    this.chain = tail;
    void tail.then(() => {
      if (this.chain === tail) this.chain = SETTLED;
    });
  }

  /** Queue a client command; counts toward backpressure. */
  command(step: () => Promise<void> | void): void {
    this.run(step);
    this.pending += 1;
    if (!this.paused && this.pending >= this.max) {
      this.paused = true;
      this.logger.warn('command queue full, pausing reads', { code: 'CABLE_BACKPRESSURE', pending: this.pending });
      this.transport.pause();
    }
    this.run(() => this.done());
  }

  /** Commands queued and not yet run. */
  get waiting(): number {
    return this.pending;
  }

  /** Resolves once every step queued so far, and every step those queued, has run. */
  async idle(): Promise<void> {
    for (let seen = this.chain; ; seen = this.chain) {
      await seen;
      if (seen === this.chain) return;
    }
  }

  private done(): void {
    this.pending -= 1;
    if (this.paused && this.pending <= this.max / 2) {
      this.paused = false;
      this.transport.resume();
    }
  }
}
