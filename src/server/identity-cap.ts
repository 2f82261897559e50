// Concurrent sockets per user or worker on this node (CABLE_MAX_CONNECTIONS_PER_USER): a stolen or leaked token
// cannot open thousands of sockets. The connection asks after authentication and releases when it closes.

import type { IdentityCap } from '../connection/connection';

/** Counts sockets per identity key (`user:<id>` / `worker:<id>`). */
export class IdentitySockets implements IdentityCap {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  acquire(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.counts.get(key) ?? 0) - 1;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }

  /** Distinct identities holding at least one socket. */
  get size(): number {
    return this.counts.size;
  }

  /** Sockets held by `key`. */
  countOf(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
