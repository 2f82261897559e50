// LiveSessions: a restore notice from one node closes the stale socket another node holds for that sid, only for
// the same identity, never on the announcing node itself; malformed notices are ignored.

import type { Identity } from '../../src/auth/identity';
import { LiveSessions, SESSIONS_STREAM, type SupersedableSession } from '../../src/connection/live-sessions';
import { Hub } from '../../src/hub/hub';
import { silentLogger } from '../../src/log/logger';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { waitFor } from '../support/wait';

const user = (userId: string): Identity => ({ kind: 'user', userId, accountId: 'a', email: 'e', name: 'n', roles: [], permissions: new Set(), connectionIdentifier: userId });

class Session implements SupersedableSession {
  superseded = 0;
  constructor(readonly maybeIdentity: Identity | undefined) {}
  supersede(): void {
    this.superseded += 1;
  }
}

/** Two "nodes" sharing one pub/sub, as two processes share Redis. */
async function twoNodes() {
  const pubsub = new MemoryAdapter();
  const hub = new Hub(pubsub, silentLogger);
  const a = new LiveSessions<Session>(hub, pubsub, silentLogger);
  const b = new LiveSessions<Session>(hub, pubsub, silentLogger);
  a.start();
  b.start();
  await waitFor(() => hub.streamCount === 1, 1000, 'notice stream subscribed');
  return { pubsub, hub, a, b };
}

describe('LiveSessions', () => {
  it('closes the stale socket of the announced sid on the other node only', async () => {
    const { a, b } = await twoNodes();
    const staleOnA = new Session(user('u1'));
    const restoredOnB = new Session(user('u1'));
    a.set('sid-1', staleOnA);
    b.set('sid-1', restoredOnB);
    b.announce('sid-1', user('u1'));
    await waitFor(() => staleOnA.superseded === 1, 1000, 'stale socket superseded');
    expect(restoredOnB.superseded).toBe(0);
    a.stop();
    b.stop();
  });

  it('ignores a notice for another identity, an unknown sid and malformed notices', async () => {
    const { pubsub, a, b } = await twoNodes();
    const held = new Session(user('u1'));
    a.set('sid-2', held);
    b.announce('sid-2', user('someone-else'));
    b.announce('sid-unknown', user('u1'));
    await pubsub.broadcast(SESSIONS_STREAM, '{"sid":42}');
    await pubsub.broadcast(SESSIONS_STREAM, '[]');
    await new Promise((r) => setTimeout(r, 50));
    expect(held.superseded).toBe(0);
    a.stop();
    b.stop();
  });
});
