// Whispers and presence (AnyCable's extended features) with the real @anycable/core client over real sockets: two
// clients whisper to each other (never to themselves, never into history), presence join/leave/info with the
// server's identity (a client cannot claim another id), expiry after the TTL for a vanished socket, the exact
// frames on the wire, and two nodes on Redis sharing whispers and presence.

import WebSocket from 'ws';
import { createCable } from '@anycable/core';
import { createBroker } from '../../src/broker/index';
import type { Broker } from '../../src/broker/broker';
import { createPubSub } from '../../src/pubsub/index';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { inboxOf } from '../support/clients';
import { describeWithService, TEST_REDIS_URL, uniqueName } from '../support/services';
import { startTestCable, type TestCable } from '../support/test-cable';
import { openRaw } from '../support/ws-client';
import { sleep, waitFor } from '../support/wait';

const EXT = 'actioncable-v1-ext-json';

type Cable = ReturnType<typeof createCable>;
type Channel = ReturnType<Cable['subscribeTo']>;

function anyCable(server: TestCable, user: string, protocol: 'actioncable-v1-json' | 'actioncable-v1-ext-json' = EXT): Cable {
  return createCable(server.url, { websocketImplementation: WebSocket, auth: { token: server.userToken(user), param: 'token' }, protocol, logLevel: 'error' });
}

/** Subscribe `cable` to a room and collect its messages and presence events. */
async function joinRoom(cable: Cable, room: string, extra: Record<string, unknown> = {}) {
  const channel: Channel = cable.subscribeTo('RoomChannel', { room, ...extra });
  const messages = inboxOf();
  const presence = inboxOf();
  channel.on('message', (m: unknown) => messages.push(m));
  // Join and leave events (the client also emits the answers to its info requests here).
  channel.on('presence', (e: { type?: string }) => (e.type === 'join' || e.type === 'leave' ? presence.push(e) : undefined));
  await channel.ensureSubscribed();
  return { channel, messages, presence };
}

describe('whispers and presence on one node', () => {
  let server: TestCable;
  let broker: Broker;
  const cables: Cable[] = [];
  const cable = (user: string, protocol?: 'actioncable-v1-json' | 'actioncable-v1-ext-json') => {
    const c = anyCable(server, user, protocol);
    cables.push(c);
    return c;
  };
  beforeAll(async () => {
    broker = createBroker(new MemoryAdapter(), { limit: 100, ttlSeconds: 300 }, undefined, { ttlSeconds: 1, sweepMs: 100 });
    server = await startTestCable({ CABLE_PRESENCE_TTL_SECONDS: '1' }, { broker });
  });
  afterEach(() => {
    for (const c of cables.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await server.stop();
    broker.presence.close();
  });

  it('delivers a whisper to the other subscribers only, on both protocols, and keeps it out of history', async () => {
    const a = await joinRoom(cable('whisper-a', 'actioncable-v1-json'), 'w1');
    const b = await joinRoom(cable('whisper-b'), 'w1');
    const c = await joinRoom(cable('whisper-c', 'actioncable-v1-json'), 'w1');
    await a.channel.whisper({ event: 'typing', name: 'a' });
    expect(await b.messages.next()).toEqual({ event: 'typing', name: 'a' });
    expect(await c.messages.next()).toEqual({ event: 'typing', name: 'a' });
    await b.channel.whisper({ event: 'typing', name: 'b' });
    expect(await a.messages.next()).toEqual({ event: 'typing', name: 'b' });
    await sleep(150);
    // Nobody hears their own whisper, and a whisper is not a broadcast: the stream's history stays empty.
    expect(a.messages.inbox).toEqual([]);
    expect(b.messages.inbox).toEqual([]);
    expect(await broker.history?.read('room_w1', { since: 0 })).toEqual([]);
    await server.cable.broadcast('room_w1', { broadcast: 1 });
    expect(await a.messages.next()).toEqual({ broadcast: 1 });
  });

  it('ignores whispers on a subscription whose channel did not enable them', async () => {
    const a = await joinRoom(cable('quiet-a'), 'w2', { quiet: true });
    const b = await joinRoom(cable('quiet-b'), 'w2', { quiet: true });
    await a.channel.whisper({ event: 'typing' });
    await sleep(200);
    expect(b.messages.inbox).toEqual([]);
    await server.cable.broadcast('room_w2', { still: 'works' });
    expect(await b.messages.next()).toEqual({ still: 'works' });
  });

  it('joins with the server identity, tells the others, answers info, and leaves', async () => {
    const a = await joinRoom(cable('presence-a'), 'p1');
    const b = await joinRoom(cable('presence-b'), 'p1');
    // The client claims another id and name: the server keeps its own.
    await a.channel.presence.join('someone-else', { name: 'Mallory', status: 'busy' });
    const joined = (await b.presence.next()) as Record<string, unknown>;
    expect(joined).toMatchObject({ type: 'join', id: 'presence-a', info: { status: 'busy', kind: 'user' } });
    expect((joined.info as Record<string, unknown>).name).not.toBe('Mallory');
    expect(await a.presence.next()).toMatchObject({ type: 'join', id: 'presence-a' });
    const info = await b.channel.presence.info();
    expect(Object.keys(info ?? {})).toEqual(['presence-a']);
    await a.channel.presence.leave();
    expect(await b.presence.next()).toEqual({ type: 'leave', id: 'presence-a' });
    b.channel.presence.reset();
    expect(await b.channel.presence.info()).toEqual({});
  });

  it('counts one presence per user across sockets, and a vanished socket leaves after the TTL', async () => {
    const watcher = await joinRoom(cable('watcher'), 'p2');
    const first = cable('twice');
    const second = cable('twice');
    const one = await joinRoom(first, 'p2');
    const two = await joinRoom(second, 'p2');
    await one.channel.presence.join('twice', { tab: 1 });
    expect(await watcher.presence.next()).toMatchObject({ type: 'join', id: 'twice' });
    await two.channel.presence.join('twice', { tab: 2 });
    first.disconnect();
    await sleep(1500);
    // The other socket of the same user is still there: no leave.
    expect(watcher.presence.inbox).toEqual([]);
    second.disconnect();
    const started = Date.now();
    expect(await watcher.presence.next(() => true, 4000)).toEqual({ type: 'leave', id: 'twice' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('writes the frames AnyCable writes', async () => {
    const identifier = JSON.stringify({ channel: 'RoomChannel', room: 'wire' });
    const a = await openRaw(server.urlFor(server.userToken('wire-a')), { protocols: [EXT] });
    const b = await openRaw(server.urlFor(server.userToken('wire-b')), { protocols: [EXT] });
    const texts: string[] = [];
    b.ws.on('message', (data) => texts.push(String(data)));
    for (const c of [a, b]) {
      await c.next((f) => f.type === 'welcome');
      c.send({ command: 'subscribe', identifier });
      await c.next((f) => f.type === 'confirm_subscription');
    }
    a.send({ command: 'join', identifier, presence: { id: 'ignored', info: { x: 1 } } });
    await b.next((f) => f.type === 'presence');
    b.send({ command: 'presence', identifier, data: {} });
    await b.next((f) => f.type === 'presence');
    a.send({ command: 'whisper', identifier, data: { event: 'typing' } });
    await b.next((f) => f.message !== undefined && f.type === undefined);
    a.send({ command: 'leave', identifier });
    await b.next((f) => f.type === 'presence');
    const q = JSON.stringify(identifier);
    expect(texts.filter((t) => !t.includes('"ping"')).slice(-4)).toEqual([
      `{"type":"presence","identifier":${q},"message":{"type":"join","info":{"x":1,"kind":"user","name":"wire-a"},"id":"wire-a"}}`,
      `{"type":"presence","identifier":${q},"message":{"type":"info","total":1,"records":[{"info":{"x":1,"kind":"user","name":"wire-a"},"id":"wire-a"}]}}`,
      `{"identifier":${q},"message":{"event":"typing"}}`,
      `{"type":"presence","identifier":${q},"message":{"type":"leave","id":"wire-a"}}`,
    ]);
    // A presence request on a subscription without presence gets AnyCable's error answer; an unknown one nothing.
    const quiet = JSON.stringify({ channel: 'RoomChannel', room: 'wire', quiet: true });
    b.send({ command: 'subscribe', identifier: quiet });
    await b.next((f) => f.type === 'confirm_subscription');
    b.send({ command: 'presence', identifier: quiet });
    expect(await b.next((f) => f.type === 'presence')).toEqual({ type: 'presence', identifier: quiet, message: { type: 'error', total: 0 } });
    b.send({ command: 'presence', identifier: JSON.stringify({ channel: 'RoomChannel', room: 'nope' }) });
    b.send({ command: 'whisper', identifier, data: 1 });
    await a.next((f) => f.message === 1);
    a.close();
    b.close();
  });
});

describeWithService('whispers and presence across two nodes on Redis', TEST_REDIS_URL, () => {
  const prefix = uniqueName('presence');
  let a: TestCable;
  let b: TestCable;
  const cables: Cable[] = [];
  const node = async () => {
    const pubsub = await createPubSub({ adapter: 'redis', redisUrl: TEST_REDIS_URL, channelPrefix: prefix, solidCablePollMs: 100 });
    return startTestCable({ CABLE_PRESENCE_TTL_SECONDS: '1' }, { pubsub });
  };
  beforeAll(async () => {
    a = await node();
    b = await node();
  });
  afterEach(() => {
    for (const c of cables.splice(0)) c.disconnect();
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });
  const on = (server: TestCable, user: string) => {
    const c = anyCable(server, user);
    cables.push(c);
    return c;
  };

  it('shares whispers and presence, and expires a vanished socket of the other node', async () => {
    const left = await joinRoom(on(a, 'node-a-user'), 'x1');
    const rightCable = on(b, 'node-b-user');
    const right = await joinRoom(rightCable, 'x1');
    await left.channel.whisper({ typing: true });
    expect(await right.messages.next()).toEqual({ typing: true });
    await right.channel.presence.join('node-b-user', { here: 1 });
    expect(await left.presence.next()).toMatchObject({ type: 'join', id: 'node-b-user', info: { here: 1 } });
    expect(Object.keys((await left.channel.presence.info()) ?? {})).toEqual(['node-b-user']);
    await sleep(200);
    expect(left.messages.inbox).toEqual([]);
    rightCable.disconnect();
    expect(await left.presence.next(() => true, 5000)).toEqual({ type: 'leave', id: 'node-b-user' });
    await waitFor(async () => Object.keys((await (left.channel.presence.reset(), left.channel.presence.info())) ?? {}).length === 0, 3000, 'empty presence');
  });
});
