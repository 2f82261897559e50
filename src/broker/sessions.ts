// Session snapshots for ext-protocol restore (AnyCable session recovery): what a closed connection was
// subscribed to, kept for a TTL under its `sid`, restorable only by the same identity. The in-process store; the
// Redis broker keeps them in Redis for every node.

/** What a session looked like when its socket closed. */
export interface SessionSnapshot {
  /** `user:<id>` or `worker:<id>`: only the same identity may restore. */
  identityKey: string;
  identifiers: string[];
}

/** Where snapshots live (memory here; a shared store lets another node restore). */
export interface SessionStore {
  save(sid: string, snapshot: SessionSnapshot, ttlSeconds: number): Promise<void>;
  /**
   * Return and forget the snapshot of `sid` if it exists, has not expired and belongs to `identityKey`; a snapshot
   * of another identity is left untouched (a stranger guessing a sid must not destroy the owner's session).
   */
  take(sid: string, identityKey: string): Promise<SessionSnapshot | null>;
}

/** In-process session store with expiry and a size cap. */
export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, { snapshot: SessionSnapshot; expiresAt: number }>();

  constructor(private readonly maxEntries = 100_000) {}

  async save(sid: string, snapshot: SessionSnapshot, ttlSeconds: number): Promise<void> {
    this.entries.delete(sid);
    this.entries.set(sid, { snapshot, expiresAt: Date.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async take(sid: string, identityKey: string): Promise<SessionSnapshot | null> {
    const entry = this.entries.get(sid);
    if (!entry || entry.snapshot.identityKey !== identityKey) return null;
    this.entries.delete(sid);
    return entry.expiresAt > Date.now() ? entry.snapshot : null;
  }
}
