// TCP connections that have not yet completed their first HTTP request (the upgrade or any other): each must finish
// its request headers within CABLE_HANDSHAKE_TIMEOUT_MS of being accepted, or it is destroyed. Node's own
// headersTimeout never fires for a connection that sends nothing at all, so a silent peer would stay forever; later
// requests on a keep-alive connection are bounded by Node's headersTimeout and keepAliveTimeout.

import type { Socket } from 'node:net';

/** Sockets waiting for their first complete request, with their accept time. */
export class PendingHandshakes {
  private readonly waiting = new Map<Socket, number>();
  /** One 'close' listener shared by every waiting socket (called with the socket as `this`), removed once it is done. */
  private readonly onClose: (this: Socket) => void;

  constructor(private readonly timeoutMs: number) {
    const waiting = this.waiting;
    this.onClose = function (this: Socket) {
      waiting.delete(this);
    };
  }

  /** A connection was accepted. */
  track(socket: Socket, now = Date.now()): void {
    if (socket.destroyed) return;
    socket.on('close', this.onClose);
    this.waiting.set(socket, now);
  }

  /** The connection completed its request headers (a request or an upgrade): it keeps nothing of this tracker. */
  done(socket: Socket): void {
    if (this.waiting.delete(socket)) socket.removeListener('close', this.onClose);
  }

  /** Destroy every connection past its deadline; returns how many. */
  sweep(now = Date.now()): number {
    let closed = 0;
    for (const [socket, since] of this.waiting) {
      if (now - since < this.timeoutMs) continue;
      this.done(socket);
      socket.destroy();
      closed += 1;
    }
    return closed;
  }

  /** Connections currently waiting. */
  get size(): number {
    return this.waiting.size;
  }
}
