// Per client address: a cap on concurrent sockets and a token bucket on upgrade attempts (the original Rails app
// throttles with Rack::Attack). Checked on `upgrade` before any other work; a refusal is an HTTP 429.

/** Why an upgrade was refused. */
export type AddressRefusal = 'rate' | 'connections';

interface Bucket {
  tokens: number;
  at: number;
}

/** Settings (0 = unlimited). */
export interface AddressLimitOptions {
  maxConnectionsPerIp: number;
  upgradeRatePerIp: number;
  upgradeBurstPerIp: number;
}

/** Concurrency and upgrade-rate bookkeeping per address. */
export class AddressLimits {
  private readonly open = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: AddressLimitOptions) {}

  /** Take one upgrade attempt of `address`: undefined when admitted (counted as open), else the reason. */
  admit(address: string, now = Date.now()): AddressRefusal | undefined {
    if (!this.takeToken(address, now)) return 'rate';
    const open = this.open.get(address) ?? 0;
    if (this.opts.maxConnectionsPerIp > 0 && open >= this.opts.maxConnectionsPerIp) return 'connections';
    this.open.set(address, open + 1);
    return undefined;
  }

  /** A socket of `address` admitted earlier has closed. */
  release(address: string): void {
    const open = (this.open.get(address) ?? 0) - 1;
    if (open > 0) this.open.set(address, open);
    else this.open.delete(address);
  }

  /** Forget buckets that have refilled (so the map holds only recently active addresses). */
  sweep(now = Date.now()): void {
    for (const [address, bucket] of this.buckets) if (this.refill(bucket, now) >= this.opts.upgradeBurstPerIp) this.buckets.delete(address);
  }

  /** Sockets currently open for `address`. */
  openFor(address: string): number {
    return this.open.get(address) ?? 0;
  }

  private takeToken(address: string, now: number): boolean {
    if (this.opts.upgradeRatePerIp <= 0) return true;
    let bucket = this.buckets.get(address);
    if (!bucket) this.buckets.set(address, (bucket = { tokens: this.opts.upgradeBurstPerIp, at: now }));
    bucket.tokens = this.refill(bucket, now);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private refill(bucket: Bucket, now: number): number {
    return Math.min(this.opts.upgradeBurstPerIp, bucket.tokens + ((now - bucket.at) * this.opts.upgradeRatePerIp) / 1000);
  }
}
