// Two cable nodes on one Redis (issues "Scale-out" and "Reliable delivery"): cross-node broadcast with positions,
// catch-up from history on the other node, session restore on the other node, remote disconnect across nodes,
// a Rails-style raw PUBLISH, and @anycable/core catching up after hopping nodes.

import WebSocket from 'ws';
import Redis from 'ioredis';
import { createCable } from '@anycable/core';
import { createPubSub } from '../../src/pubsub/index';
import { openRaw, type RawClient } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';
import { inboxOf } from '../support/clients';
import { describeWithService, TEST_REDIS_URL, uniqueName } from '../support/services';
import { waitFor } from '../support/wait';

const EXT = 'actioncable-v1-ext-json';
const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });

describeWithService('two nodes on Redis', TEST_REDIS_URL, () => {
  const prefix = uniqueName('multinode');
  let a: TestCable;
  let b: TestCable;
  const node = async () => {
    const pubsub = await createPubSub({ adapter: 'redis', redisUrl: TEST_REDIS_URL, channelPrefix: prefix, solidCablePollMs: 100 });
    return startTestCable({}, { pubsub });
  };
  beforeAll(async () => {
    a = await node();
    b = await node();
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  async function extClient(n: TestCable, user: string, query = ''): Promise<{ c: RawClient; welcome: Record<string, unknown> }> {
    const token = n.userToken(user);
    const c = await openRaw(`${n.urlFor(token)}${query}`, { protocols: [EXT] });
    return { c, welcome: await c.next() };
  }
  async function subscribe(c: RawClient, id: string, extra: Record<string, unknown> = {}): Promise<void> {
    c.send({ command: 'subscribe', identifier: id, ...extra });
    expect(await c.next((f) => f.identifier === id && typeof f.type === 'string')).toMatchObject({ type: 'confirm_subscription' });
  }

  it('delivers a broadcast made on node B to a client on node A, positioned for ext clients', async () => {
    const { c } = await extClient(a, 'mn-1');
    await subscribe(c, chat('x'));
    await b.cable.broadcast('chat_x', { from: 'b' });
    expect(await c.next()).toEqual({ identifier: chat('x'), message: { from: 'b' }, stream_id: 'chat_x', epoch: expect.any(String), offset: 1 });
    c.close();
  });

  it('catches up from history on the other node after a reconnect', async () => {
    const first = await extClient(a, 'mn-2');
    await subscribe(first.c, chat('catch'));
    await b.cable.broadcast('chat_catch', { n: 1 });
    const seen = await first.c.next();
    first.c.close();
    await first.c.closed;
    await a.cable.broadcast('chat_catch', { n: 2 });
    await b.cable.broadcast('chat_catch', { n: 3 });
    const second = await extClient(b, 'mn-2');
    await subscribe(second.c, chat('catch'), { history: { streams: { chat_catch: { offset: seen.offset, epoch: seen.epoch } } } });
    expect((await second.c.next()).message).toEqual({ n: 2 });
    expect((await second.c.next()).message).toEqual({ n: 3 });
    expect(await second.c.next()).toEqual({ identifier: chat('catch'), type: 'confirm_history' });
    second.c.close();
  });

  it('restores a session on the other node', async () => {
    const first = await extClient(a, 'mn-3');
    await subscribe(first.c, chat('sess'));
    first.c.close();
    await first.c.closed;
    await new Promise((r) => setTimeout(r, 100));
    const second = await extClient(b, 'mn-3', `&sid=${first.welcome.sid as string}`);
    expect(second.welcome).toEqual({ type: 'welcome', sid: expect.any(String), restored: true, restored_ids: [chat('sess')] });
    await a.cable.broadcast('chat_sess', { ok: true });
    expect((await second.c.next()).message).toEqual({ ok: true });
    second.c.close();
  });

  it('restores on node B a session whose socket node A still holds open (snapshot written on subscribe), and A closes that socket', async () => {
    const first = await extClient(a, 'mn-5');
    await subscribe(first.c, chat('held'));
    // Node A never sees this socket close: the client just went silent.
    first.c.ws.pause();
    await new Promise((r) => setTimeout(r, 100));
    const heldOnA = a.cable.connectionCount;
    const second = await extClient(b, 'mn-5', `&sid=${first.welcome.sid as string}`);
    expect(second.welcome).toEqual({ type: 'welcome', sid: expect.any(String), restored: true, restored_ids: [chat('held')] });
    // Node B's restore notice makes node A close the stale socket it still held.
    await waitFor(() => a.cable.connectionCount === heldOnA - 1, 3000, 'node A closes the stale socket');
    second.c.send({ command: 'history', identifier: chat('held'), history: { since: Math.floor(Date.now() / 1000) - 10 } });
    expect(await second.c.next()).toEqual({ identifier: chat('held'), type: 'confirm_history' });
    await a.cable.broadcast('chat_held', { ok: true });
    expect((await second.c.next()).message).toEqual({ ok: true });
    second.c.close();
    first.c.ws.terminate();
  });

  it('closes a socket on node A through a remote disconnect issued on node B', async () => {
    const c = await openRaw(a.urlFor(a.userToken('mn-remote')));
    await c.next();
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${b.httpUrl}/_disconnect`, { method: 'POST', body: JSON.stringify({ user_id: 'mn-remote' }) });
    expect(res.status).toBe(202);
    expect(await c.next()).toEqual({ type: 'disconnect', reason: 'remote', reconnect: true });
  });

  it('delivers a raw Rails PUBLISH (unpositioned) to ext and plain clients', async () => {
    const { c } = await extClient(a, 'mn-4');
    await subscribe(c, chat('rails'));
    const redis = new Redis(TEST_REDIS_URL);
    await redis.publish(`${prefix}:chat_rails`, '{"text":"from rails"}');
    await redis.quit();
    expect(await c.next()).toEqual({ identifier: chat('rails'), message: { text: 'from rails' } });
    c.close();
  });

  it('lets @anycable/core catch up after hopping from node A to node B', async () => {
    let hops = 0;
    const client = createCable(a.url, {
      websocketImplementation: WebSocket,
      protocol: EXT,
      auth: { token: a.userToken('mn-hop'), param: 'token' },
      logLevel: 'error',
      transportConfigurator: async (transport: { setURL(u: string): void }, { initial }: { initial: boolean }) => {
        if (!initial) {
          hops += 1;
          transport.setURL(`${b.url}?token=${encodeURIComponent(b.userToken('mn-hop'))}`);
        }
      },
    });
    const channel = client.subscribeTo('ChatChannel', { room: 'hop' });
    const box = inboxOf();
    channel.on('message', (m: unknown) => box.push(m));
    await channel.ensureSubscribed();
    await a.cable.broadcast('chat_hop', { n: 0 });
    expect(await box.next()).toEqual({ n: 0 });
    const disconnected = new Promise((r) => client.once('disconnect', r));
    (client.transport as unknown as { ws: WebSocket }).ws.terminate();
    await disconnected;
    for (let n = 1; n <= 3; n += 1) await a.cable.broadcast('chat_hop', { n });
    const got: unknown[] = [];
    for (let n = 1; n <= 3; n += 1) got.push(await box.next(() => true, 12000));
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(hops).toBeGreaterThanOrEqual(1);
    expect(b.cable.connectionCount).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(box.inbox).toEqual([]);
    client.disconnect();
  }, 25000);
});
