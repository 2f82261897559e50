// PendingHandshakes: accepted TCP connections must complete a request within the deadline.

import net from 'node:net';
import { PendingHandshakes } from '../../src/server/pending-handshakes';

describe('PendingHandshakes', () => {
  it('destroys connections past the deadline and forgets completed or closed ones', async () => {
    const pending = new PendingHandshakes(1000);
    const sockets = [new net.Socket(), new net.Socket(), new net.Socket()];
    sockets.forEach((s) => pending.track(s, 0));
    pending.done(sockets[1] as net.Socket);
    expect(pending.size).toBe(2);
    expect(pending.sweep(999)).toBe(0);
    expect(pending.sweep(1000)).toBe(2);
    expect(sockets.map((s) => s.destroyed)).toEqual([true, false, true]);
    expect(pending.size).toBe(0);
  });
});
