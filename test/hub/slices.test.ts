// Sliced fan-out: at most `slice` socket writes per macrotask, publish order kept per session, recipients fixed
// at broadcast time (leavers get nothing more, joiners get nothing older).

import { Hub, PreparedFrame, type HubSession } from '../../src/hub/hub';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { silentLogger } from '../../src/log/logger';

class Session implements HubSession {
  readonly ext = false;
  texts: string[] = [];
  sendFrame(f: PreparedFrame): void {
    this.texts.push(f.text);
  }
}

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

async function setup(n: number, slice: number) {
  const pubsub = new MemoryAdapter();
  const hub = new Hub(pubsub, silentLogger, { slice });
  const sessions = Array.from({ length: n }, () => new Session());
  for (const s of sessions) await hub.add('s', '"id"', s);
  await nextMacrotask();
  return { pubsub, hub, sessions };
}

describe('Hub fan-out slices', () => {
  it('writes at most `slice` frames per macrotask and finishes in later ones', async () => {
    const { pubsub, hub, sessions } = await setup(10, 4);
    await pubsub.broadcast('s', '{"n":1}');
    expect(hub.deliveryCount).toBe(4);
    expect(hub.pendingBroadcasts).toBe(1);
    await nextMacrotask();
    expect(hub.deliveryCount).toBe(8);
    await hub.drained();
    expect(hub.deliveryCount).toBe(10);
    expect(sessions.every((s) => s.texts.length === 1)).toBe(true);
  });

  it('keeps publish order for every session across broadcasts and streams', async () => {
    const { pubsub, hub, sessions } = await setup(7, 3);
    const other = sessions[6] as Session;
    await hub.add('t', '"id2"', other);
    await nextMacrotask();
    await pubsub.broadcast('s', '{"n":1}');
    await pubsub.broadcast('t', '{"n":2}');
    await pubsub.broadcast('s', '{"n":3}');
    await hub.drained();
    for (const s of sessions.slice(0, 6)) expect(s.texts).toEqual(['{"identifier":"id","message":{"n":1}}', '{"identifier":"id","message":{"n":3}}']);
    expect(other.texts).toEqual(['{"identifier":"id","message":{"n":1}}', '{"identifier":"id2","message":{"n":2}}', '{"identifier":"id","message":{"n":3}}']);
  });

  it('sends nothing to a session that left mid-fan-out and nothing older to one that joined', async () => {
    const { pubsub, hub, sessions } = await setup(6, 2);
    await pubsub.broadcast('s', '{"n":1}');
    const leaver = sessions[5] as Session;
    hub.remove('s', '"id"', leaver);
    const joiner = new Session();
    void hub.add('s', '"id"', joiner);
    await hub.drained();
    expect(leaver.texts).toEqual([]);
    expect(joiner.texts).toEqual([]);
    expect(sessions.slice(0, 5).every((s) => s.texts.length === 1)).toBe(true);
    await pubsub.broadcast('s', '{"n":2}');
    await hub.drained();
    expect(joiner.texts).toEqual(['{"identifier":"id","message":{"n":2}}']);
  });

  it('a resubscribed session still gets the message exactly once', async () => {
    const { pubsub, hub, sessions } = await setup(6, 2);
    await pubsub.broadcast('s', '{"n":1}');
    const again = sessions[5] as Session;
    hub.remove('s', '"id"', again);
    void hub.add('s', '"id"', again);
    await hub.drained();
    expect(again.texts).toEqual(['{"identifier":"id","message":{"n":1}}']);
  });

  it('runs stream callbacks after the sessions of the same broadcast, in order', async () => {
    const { pubsub, hub, sessions } = await setup(5, 2);
    const seen: string[] = [];
    await hub.addCallback('s', (m) => seen.push(`${JSON.stringify(m)} after ${sessions.filter((s) => s.texts.length > 0).length}`));
    await pubsub.broadcast('s', '{"n":1}');
    expect(seen).toEqual([]);
    await hub.drained();
    expect(seen).toEqual(['{"n":1} after 5']);
  });

  it('delivers small broadcasts synchronously while the slice lasts', async () => {
    const { pubsub, hub } = await setup(3, 2048);
    await pubsub.broadcast('s', '{"n":1}');
    expect(hub.deliveryCount).toBe(3);
    expect(hub.pendingBroadcasts).toBe(0);
  });

  it('sends a server-wide frame (the ping) in slices, in order with broadcasts, without counting it as a delivery', async () => {
    const { pubsub, hub, sessions } = await setup(5, 2);
    await pubsub.broadcast('s', '{"n":1}');
    hub.sendToEach(new PreparedFrame('{"type":"ping","message":1}'), new Set<HubSession>(sessions));
    await pubsub.broadcast('s', '{"n":2}');
    await hub.drained();
    for (const s of sessions) expect(s.texts).toEqual(['{"identifier":"id","message":{"n":1}}', '{"type":"ping","message":1}', '{"identifier":"id","message":{"n":2}}']);
    expect(hub.deliveryCount).toBe(10);
  });
});
