// Per-connection frames written in one loop iteration leave the process in one write. A socket written to by
// transport.send() is corked until the check phase of the same iteration; then every held socket is uncorked, so
// the `101` and a welcome that is ready by then, or a subscription's first message and its confirmation, are one
// writev (on loopback each write is a pass through the kernel's TCP stack, a tenth of a connection's set-up cost).
// Order is kept (a corked socket buffers every write, broadcasts included) and nothing waits past the iteration:
// no timer, unlike Nagle. Broadcast fan-out writes shared frames directly and does not hold sockets.

import type { Socket } from 'node:net';

type Corkable = Pick<Socket, 'cork' | 'uncork' | 'destroyed'>;

/** Holds sockets corked until the end of the current loop iteration. */
export class WriteCoalescing {
  private held = new Set<Corkable>();
  private scheduled = false;
  private readonly flush = (): void => {
    this.scheduled = false;
    const held = this.held;
    this.held = new Set();
    for (const socket of held) if (!socket.destroyed) socket.uncork();
  };

  /** Cork `socket` (once per iteration) until this iteration's check phase. */
  hold(socket: Corkable): void {
    if (this.held.has(socket)) return;
    socket.cork();
    this.held.add(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Sockets held now (tests). */
  get size(): number {
    return this.held.size;
  }
}

/** One per process: every connection's writes end with the same iteration. */
export const writeCoalescing = new WriteCoalescing();
