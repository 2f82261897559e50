// Hands the bursts of one deterministic stream to the lanes of a fuzz run: each long-lived socket gets the bursts
// that fit it (a worker's bursts to a worker socket, ext commands to an ext socket), fatal bursts go to the
// throwaway lanes, and the run stops once the frame budget is spent.

import type { FuzzBurst } from './frames';
import { isFatal } from './frames';
import type { SocketSpec } from './fuzz-socket';
import { fits } from './roster';

const MAX_PARKED = 400;

/** The burst source shared by every lane of a run. */
export class Dispatcher {
  /** Frames handed out so far. */
  frames = 0;
  bursts = 0;
  /** Fatal bursts dropped because the throwaway lanes were behind. */
  skipped = 0;
  private readonly parked: FuzzBurst[] = [];
  private readonly fatal: FuzzBurst[] = [];

  constructor(
    private readonly stream: Iterator<FuzzBurst>,
    private readonly budget: number,
    private readonly maxFrameBytes: number,
  ) {}

  /** Whether the frame budget is spent. */
  get done(): boolean {
    return this.frames >= this.budget;
  }

  /** The next non-fatal burst for a socket of `spec` (undefined when the budget is spent). */
  nextFor(spec: SocketSpec): FuzzBurst | undefined {
    if (this.done) return undefined;
    const i = this.parked.findIndex((b) => fits(spec, b));
    if (i >= 0) return this.hand(this.parked.splice(i, 1)[0] as FuzzBurst);
    for (;;) {
      const burst = this.pull();
      if (fits(spec, burst) || this.parked.length >= MAX_PARKED) return this.hand(burst);
      this.parked.push(burst);
    }
  }

  /** The next fatal burst (pulling from the stream and parking the rest), null when none is ready, undefined when done. */
  nextFatal(): FuzzBurst | null | undefined {
    if (this.done) return undefined;
    while (this.fatal.length === 0 && this.parked.length < MAX_PARKED) this.parked.push(this.pull());
    const burst = this.fatal.shift();
    return burst ? this.hand(burst) : null;
  }

  private pull(): FuzzBurst {
    for (;;) {
      const burst = this.stream.next().value as FuzzBurst;
      if (!isFatal(burst, this.maxFrameBytes)) return burst;
      if (this.fatal.length < MAX_PARKED) this.fatal.push(burst);
      else this.skipped += 1;
    }
  }

  private hand(burst: FuzzBurst): FuzzBurst {
    this.frames += burst.frames.length;
    this.bursts += 1;
    return burst;
  }
}
