// Inbound command rate of one connection: a token bucket (CABLE_COMMAND_RATE per second, CABLE_COMMAND_BURST
// deep). Frames over the rate are dropped and counted; more drops than the burst within ABUSE_WINDOW_MS is
// sustained abuse and the connection is closed.

/** What to do with one inbound frame. */
export type RateVerdict = 'accept' | 'drop' | 'abuse';

/** How long drops are counted before the count starts over. */
export const ABUSE_WINDOW_MS = 10_000;

/** The token bucket of one connection. */
export class CommandRate {
  private tokens: number;
  private at: number;
  private windowStart: number;
  /** Frames dropped in the current window. */
  dropped = 0;
  /** Frames dropped since the connection opened. */
  droppedTotal = 0;

  constructor(private readonly rate: number, private readonly burst: number, now = Date.now()) {
    this.tokens = burst;
    this.at = now;
    this.windowStart = now;
  }

  /** Whether the bucket is as a new one would be (full, nothing ever dropped): the connection need not keep it. */
  isFresh(now = Date.now()): boolean {
    return this.droppedTotal === 0 && Math.min(this.burst, this.tokens + ((now - this.at) * this.rate) / 1000) >= this.burst;
  }

  /** Account one frame received at `now`. */
  take(now = Date.now()): RateVerdict {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.rate) / 1000);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'accept';
    }
    if (now - this.windowStart >= ABUSE_WINDOW_MS) {
      this.windowStart = now;
      this.dropped = 0;
    }
    this.dropped += 1;
    this.droppedTotal += 1;
    return this.dropped > this.burst ? 'abuse' : 'drop';
  }
}
