// AnyCable's extended protocol (protocol.md §3.1, §7 items 25–28): sid in welcome, positioned frames, history
// by offset and by time, reject_history, session restore (also while the server still holds the old socket),
// exactly-once in-order catch-up while broadcasts race it, plain clients that see only Rails' frames, and the real
// @anycable/core client restoring, catching up on subscribe and catching up while messages keep coming.

import { MemoryPresence } from '../../src/broker/presence';
import WebSocket from 'ws';
import { createCable } from '@anycable/core';
import { LocalHistory } from '../../src/broker/local-history';
import { MemoryAdapter } from '../../src/pubsub/memory';
import type { Broker, HistoryReader } from '../../src/broker/broker';
import { MemorySessionStore } from '../../src/broker/sessions';
import { openRaw, type RawClient } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';
import { inboxOf } from '../support/clients';

const EXT = 'actioncable-v1-ext-json';
let cable: TestCable;
beforeAll(async () => {
  cable = await startTestCable();
});
afterAll(async () => {
  await cable.stop();
});

const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });

async function extClient(query = ''): Promise<{ c: RawClient; welcome: Record<string, unknown> }> {
  const c = await openRaw(`${cable.urlFor(cable.userToken('ext-user'))}${query}`, { protocols: [EXT] });
  const welcome = await c.next();
  return { c, welcome };
}

async function subscribed(c: RawClient, id: string, extra: Record<string, unknown> = {}): Promise<void> {
  c.send({ command: 'subscribe', identifier: id, ...extra });
  expect(await c.next((f) => f.identifier === id && typeof f.type === 'string')).toEqual({ identifier: id, type: 'confirm_subscription' });
}

describe('actioncable-v1-ext-json', () => {
  it('sends a sid in welcome and positions data frames (offset +1 per message per stream)', async () => {
    const { c, welcome } = await extClient();
    expect(c.ws.protocol).toBe(EXT);
    expect(welcome).toEqual({ type: 'welcome', sid: expect.any(String) });
    await subscribed(c, chat('pos'));
    await cable.cable.broadcast('chat_pos', { n: 1 });
    await cable.cable.broadcast('chat_pos', { n: 2 });
    const a = await c.next();
    const b = await c.next();
    expect(a).toEqual({ identifier: chat('pos'), message: { n: 1 }, stream_id: 'chat_pos', epoch: expect.any(String), offset: expect.any(Number) });
    expect(b.offset).toBe((a.offset as number) + 1);
    expect(b.epoch).toBe(a.epoch);
    c.close();
  });

  it('keeps plain actioncable-v1-json frames unchanged', async () => {
    const c = await openRaw(cable.urlFor(cable.userToken()), { protocols: ['actioncable-v1-json'] });
    expect(await c.next()).toEqual({ type: 'welcome' });
    await subscribed(c, chat('plain'));
    await cable.cable.broadcast('chat_plain', { n: 1 });
    expect(await c.next()).toEqual({ identifier: chat('plain'), message: { n: 1 } });
    c.close();
  });

  it('replays missed messages after an offset, in order, then confirm_history', async () => {
    const { c } = await extClient();
    await subscribed(c, chat('hist'));
    await cable.cable.broadcast('chat_hist', { n: 1 });
    const first = await c.next();
    await cable.cable.broadcast('chat_hist', { n: 2 });
    await cable.cable.broadcast('chat_hist', { n: 3 });
    await c.next();
    await c.next();
    c.send({ command: 'history', identifier: chat('hist'), history: { streams: { chat_hist: { offset: first.offset, epoch: first.epoch } } } });
    expect((await c.next()).message).toEqual({ n: 2 });
    expect((await c.next()).message).toEqual({ n: 3 });
    expect(await c.next()).toEqual({ identifier: chat('hist'), type: 'confirm_history' });
    c.close();
  });

  it('answers reject_history for an unknown epoch', async () => {
    const { c } = await extClient();
    await subscribed(c, chat('epoch'));
    c.send({ command: 'history', identifier: chat('epoch'), history: { streams: { chat_epoch: { offset: 1, epoch: 'gone' } } } });
    expect(await c.next()).toEqual({ identifier: chat('epoch'), type: 'reject_history' });
    c.close();
  });

  it('sends history requested on subscribe after the confirmation', async () => {
    await cable.cable.broadcast('chat_onsub', { early: true });
    const { c } = await extClient();
    const since = Math.floor(Date.now() / 1000) - 60;
    c.send({ command: 'subscribe', identifier: chat('onsub'), history: { since } });
    expect((await c.next()).type).toBe('confirm_subscription');
    // Nobody was subscribed when `early` was broadcast, so there is nothing to replay yet.
    expect(await c.next()).toEqual({ identifier: chat('onsub'), type: 'confirm_history' });
    c.close();
  });

  it('restores a session by sid without resubscribing', async () => {
    const first = await extClient();
    await subscribed(first.c, chat('restore'));
    first.c.close();
    await first.c.closed;
    await new Promise((r) => setTimeout(r, 50));
    const { c, welcome } = await extClient(`&sid=${first.welcome.sid as string}`);
    expect(welcome).toEqual({ type: 'welcome', sid: expect.any(String), restored: true, restored_ids: [chat('restore')] });
    await cable.cable.broadcast('chat_restore', { after: 'restore' });
    expect((await c.next()).message).toEqual({ after: 'restore' });
    c.close();
  });

  it('does not restore a session for another identity', async () => {
    const first = await extClient();
    await subscribed(first.c, chat('other'));
    first.c.close();
    await first.c.closed;
    await new Promise((r) => setTimeout(r, 50));
    const c = await openRaw(`${cable.urlFor(cable.userToken('someone-else'))}&sid=${first.welcome.sid as string}`, { protocols: [EXT] });
    expect(await c.next()).toEqual({ type: 'welcome', sid: expect.any(String) });
    c.close();
    // The refused attempt left the owner's snapshot in place: the owner can still restore.
    const owner = await extClient(`&sid=${first.welcome.sid as string}`);
    expect(owner.welcome).toEqual({ type: 'welcome', sid: expect.any(String), restored: true, restored_ids: [chat('other')] });
    owner.c.close();
  });

  it('answers a client ping with pong', async () => {
    const { c } = await extClient();
    c.send({ command: 'ping' });
    expect(await c.next()).toEqual({ type: 'pong' });
    c.close();
  });

  it('accepts {"command":"pong"} silently and keeps serving the socket', async () => {
    const { c } = await extClient();
    await subscribed(c, chat('pong'));
    c.send({ command: 'pong' });
    await c.none(notPing, 400);
    await cable.cable.broadcast('chat_pong', { n: 1 });
    expect(await c.next()).toMatchObject({ identifier: chat('pong'), message: { n: 1 } });
    c.close();
  });

  it('answers reject_history (and nothing else) for a position evicted by CABLE_HISTORY_LIMIT', async () => {
    const { c } = await extClient();
    await subscribed(c, chat('evict'));
    await cable.cable.broadcast('chat_evict', { n: 1 });
    const first = await c.next();
    for (let n = 2; n <= cable.config.history.limit + 5; n += 1) await cable.cable.broadcast('chat_evict', { n });
    await c.next((f) => (f.message as { n?: number } | undefined)?.n === cable.config.history.limit + 5);
    c.send({ command: 'history', identifier: chat('evict'), history: { streams: { chat_evict: { offset: first.offset, epoch: first.epoch } } } });
    expect(await c.next()).toEqual({ identifier: chat('evict'), type: 'reject_history' });
    await c.none(notPing, 300);
    c.close();
  });

  it('restores a session whose old socket the server still holds open, and closes that stale socket', async () => {
    const first = await extClient();
    await subscribed(first.c, chat('stale'));
    // The old client went silent: it reads nothing and would never answer a close handshake.
    first.c.ws.pause();
    const { c, welcome } = await extClient(`&sid=${first.welcome.sid as string}`);
    expect(welcome).toEqual({ type: 'welcome', sid: expect.any(String), restored: true, restored_ids: [chat('stale')] });
    c.send({ command: 'history', identifier: chat('stale'), history: { since: Math.floor(Date.now() / 1000) - 10 } });
    expect(await c.next()).toEqual({ identifier: chat('stale'), type: 'confirm_history' });
    await cable.cable.broadcast('chat_stale', { n: 1 });
    expect(await c.next()).toMatchObject({ identifier: chat('stale'), message: { n: 1 } });
    first.c.ws.resume();
    expect(await first.c.closed).toEqual({ code: 1000 });
    expect(first.c.frames.filter((f) => 'message' in f && f.type === undefined)).toEqual([]);
    c.close();
  });
});

const notPing = (f: Record<string, unknown>) => f.type !== 'ping';

describe.each([
  ['actioncable-v1-json', ['actioncable-v1-json']],
  ['no sub-protocol', []],
])('a plain client (%s) sees exactly what Rails sends', (label, protocols) => {
  it('gets no sid, no pong, no history frames and unpositioned data frames', async () => {
    const room = `plainext${protocols.length}`;
    const stream = `chat_${room}`;
    // History exists for the stream (an ext client keeps it recorded), so a replay would have something to send.
    const ext = await extClient();
    await subscribed(ext.c, chat(room));
    await cable.cable.broadcast(stream, { n: 0 });
    const seen = await ext.c.next();
    const c = await openRaw(cable.urlFor(cable.userToken('plain-user')), { protocols });
    expect(c.ws.protocol).toBe(protocols[0] ?? '');
    expect(await c.next()).toEqual({ type: 'welcome' });
    c.send({ command: 'subscribe', identifier: chat(room), history: { since: 1, streams: { [stream]: { offset: 0, epoch: seen.epoch } } } });
    expect(await c.next()).toEqual({ identifier: chat(room), type: 'confirm_subscription' });
    c.send({ command: 'ping' });
    c.send({ command: 'pong' });
    c.send({ command: 'history', identifier: chat(room), history: { since: 1 } });
    await c.none(notPing, 400);
    await cable.cable.broadcast(stream, { n: 1, label });
    expect(await c.next()).toEqual({ identifier: chat(room), message: { n: 1, label } });
    ext.c.close();
    c.close();
  });
});

/** In-memory history whose reads take `delayMs`, as they do over Redis: broadcasts land while a replay is read. */
function slowHistory(delayMs: number): Broker {
  const plain = new MemoryAdapter();
  const local = new LocalHistory(plain, { limit: 1000, ttlSeconds: 300 });
  const history: HistoryReader = {
    read: async (stream, query) => {
      await new Promise((r) => setTimeout(r, delayMs));
      return local.read(stream, query);
    },
  };
  return { pubsub: local, history, sessions: new MemorySessionStore(), sharedSessions: false, presence: new MemoryPresence({ ttlSeconds: 15 }), plain };
}

/** Broadcast {n} for n = from, from+1, … every few ms until `until()` holds (then ~200 ms more); returns the last n. */
async function keepBroadcasting(target: TestCable, stream: string, from: number, until: () => boolean): Promise<number> {
  let n = from - 1;
  let stopAt = Infinity;
  const deadline = Date.now() + 5000;
  while (Date.now() < stopAt && Date.now() < deadline) {
    n += 1;
    await target.cable.broadcast(stream, { n });
    await new Promise((r) => setTimeout(r, 5));
    if (stopAt === Infinity && until()) stopAt = Date.now() + 200;
  }
  return n;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('catch-up while broadcasts keep coming (history reads take time)', () => {
  let slow: TestCable;
  beforeAll(async () => {
    slow = await startTestCable({}, { broker: slowHistory(60) });
  });
  afterAll(async () => {
    await slow.stop();
  });

  async function slowClient(query = ''): Promise<{ c: RawClient; welcome: Record<string, unknown> }> {
    const c = await openRaw(`${slow.urlFor(slow.userToken('race-user'))}${query}`, { protocols: [EXT] });
    return { c, welcome: await c.next() };
  }

  /** Data frames' n until `last` arrives. */
  async function collect(c: RawClient, identifier: string, last: number): Promise<number[]> {
    const got: number[] = [];
    while (got[got.length - 1] !== last) {
      const f = await c.next((x) => x.identifier === identifier && 'message' in x, 5000);
      got.push((f.message as { n: number }).n);
    }
    return got;
  }

  it('history on subscribe: each message once, in order', async () => {
    const first = await slowClient();
    first.c.send({ command: 'subscribe', identifier: chat('race1') });
    await first.c.next((f) => f.type === 'confirm_subscription');
    await slow.cable.broadcast('chat_race1', { n: 1 });
    const pos = await first.c.next();
    for (let n = 2; n <= 5; n += 1) await slow.cable.broadcast('chat_race1', { n });
    const { c } = await slowClient();
    c.send({ command: 'subscribe', identifier: chat('race1'), history: { streams: { chat_race1: { offset: pos.offset, epoch: pos.epoch } } } });
    const last = await keepBroadcasting(slow, 'chat_race1', 6, () => c.frames.some((f) => f.type === 'confirm_history'));
    expect(await collect(c, chat('race1'), last)).toEqual(range(2, last));
    first.c.close();
    c.close();
  });

  it('restore then history: each message once, in order', async () => {
    const first = await slowClient();
    first.c.send({ command: 'subscribe', identifier: chat('race2') });
    await first.c.next((f) => f.type === 'confirm_subscription');
    await slow.cable.broadcast('chat_race2', { n: 1 });
    const pos = await first.c.next();
    first.c.close();
    await first.c.closed;
    for (let n = 2; n <= 5; n += 1) await slow.cable.broadcast('chat_race2', { n });
    let restored: RawClient | undefined;
    const restoring = (async () => {
      const { c, welcome } = await slowClient(`&sid=${first.welcome.sid as string}`);
      expect(welcome).toMatchObject({ restored: true, restored_ids: [chat('race2')] });
      c.send({ command: 'history', identifier: chat('race2'), history: { streams: { chat_race2: { offset: pos.offset, epoch: pos.epoch } } } });
      restored = c;
      return c;
    })();
    const last = await keepBroadcasting(slow, 'chat_race2', 6, () => restored?.frames.some((f) => f.type === 'confirm_history') === true);
    const c = await restoring;
    expect(await collect(c, chat('race2'), last)).toEqual(range(2, last));
    c.close();
  });

  it('@anycable/core restoring while messages keep coming gets each once, in order', async () => {
    const client = createCable(slow.url, {
      websocketImplementation: WebSocket,
      protocol: EXT,
      auth: { token: slow.userToken('race-core'), param: 'token' },
      logLevel: 'error',
      // Reconnect quickly (the default backoff waits seconds) so the restore happens while broadcasts go on.
      reconnectStrategy: () => 100,
    });
    const channel = client.subscribeTo('ChatChannel', { room: 'race3' });
    const box = inboxOf();
    channel.on('message', (m: unknown) => box.push(m));
    await channel.ensureSubscribed();
    await slow.cable.broadcast('chat_race3', { n: 1 });
    expect(await box.next()).toEqual({ n: 1 });
    const reconnected = new Promise<Partial<{ restored: boolean; reconnect: boolean }>>((r) => client.once('connect', r));
    let back = false;
    void reconnected.then(() => (back = true));
    await new Promise((r) => {
      client.once('disconnect', r);
      (client.transport as unknown as { ws: WebSocket }).ws.terminate();
    });
    const last = await keepBroadcasting(slow, 'chat_race3', 2, () => back);
    expect(await reconnected).toMatchObject({ restored: true });
    const got: unknown[] = [];
    while ((got[got.length - 1] as { n?: number } | undefined)?.n !== last) got.push(await box.next(() => true, 5000));
    expect(got).toEqual(range(2, last).map((n) => ({ n })));
    await new Promise((r) => setTimeout(r, 200));
    expect(box.inbox).toEqual([]);
    client.disconnect();
  }, 20000);
});

/** A `ws` WebSocket that records what the client sends (and, when asked, what it receives). */
function recordingSocket(sent: Array<Record<string, unknown>>, received?: Array<Record<string, unknown>>): typeof WebSocket {
  return class extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      if (received) this.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
    }
    override send(data: unknown, ...rest: unknown[]): void {
      sent.push(JSON.parse(String(data)) as Record<string, unknown>);
      (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
  } as unknown as typeof WebSocket;
}

describe('@anycable/core with the extended protocol', () => {
  it('restores its session after a reconnect: no resubscribe, history from its position, messages keep flowing', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const client = createCable(cable.url, { websocketImplementation: recordingSocket(sent), protocol: EXT, auth: { token: cable.userToken('restore-core'), param: 'token' }, logLevel: 'error' });
    const channel = client.subscribeTo('ChatChannel', { room: 'corerestore' });
    const box = inboxOf();
    channel.on('message', (m: unknown) => box.push(m));
    await channel.ensureSubscribed();
    await cable.cable.broadcast('chat_corerestore', { n: 1 });
    expect(await box.next()).toEqual({ n: 1 });
    const reconnected = new Promise<Partial<{ restored: boolean; reconnect: boolean }>>((r) => client.once('connect', r));
    (client.transport as unknown as { ws: WebSocket }).ws.terminate();
    expect(await reconnected).toEqual({ reconnect: true, restored: true });
    const subscribes = sent.filter((f) => f.command === 'subscribe');
    expect(subscribes).toHaveLength(1);
    const history = sent.filter((f) => f.command === 'history');
    expect(history).toEqual([expect.objectContaining({ identifier: subscribes[0]?.identifier, history: expect.objectContaining({ streams: { chat_corerestore: { epoch: expect.any(String), offset: expect.any(Number) } } }) })]);
    expect(channel.state).toBe('connected');
    await cable.cable.broadcast('chat_corerestore', { n: 2 });
    expect(await box.next()).toEqual({ n: 2 });
    client.disconnect();
  }, 15000);

  it('catches up on subscribe when the session cannot be restored: the missed messages are replayed', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const received: Array<Record<string, unknown>> = [];
    const client = createCable(cable.url, {
      websocketImplementation: recordingSocket(sent, received),
      protocol: EXT,
      protocolOptions: { disableSessionRecovery: true },
      auth: { token: cable.userToken('resub-core'), param: 'token' },
      logLevel: 'error',
    });
    const channel = client.subscribeTo('ChatChannel', { room: 'coresub' });
    const box = inboxOf();
    channel.on('message', (m: unknown) => box.push(m));
    await channel.ensureSubscribed();
    await cable.cable.broadcast('chat_coresub', { n: 0 });
    expect(await box.next()).toEqual({ n: 0 });
    await new Promise((r) => {
      client.once('disconnect', r);
      (client.transport as unknown as { ws: WebSocket }).ws.terminate();
    });
    // Broadcast while nobody is subscribed on this node: only the stream's history has these.
    for (let n = 1; n <= 4; n += 1) await cable.cable.broadcast('chat_coresub', { n });
    const got: unknown[] = [];
    for (let n = 1; n <= 4; n += 1) got.push(await box.next(() => true, 10000));
    expect(got).toEqual([1, 2, 3, 4].map((n) => ({ n })));
    const resubscribe = sent.filter((f) => f.command === 'subscribe')[1];
    expect(resubscribe).toMatchObject({ history: { streams: { chat_coresub: { offset: expect.any(Number), epoch: expect.any(String) } } } });
    // They came from the replay: positioned frames followed by confirm_history.
    const tail = received.filter((f) => f.type !== 'ping' && f.type !== 'welcome').slice(-6).map((f) => f.type ?? (f.message as { n: number }).n);
    expect(tail).toEqual(['confirm_subscription', 1, 2, 3, 4, 'confirm_history']);
    await cable.cable.broadcast('chat_coresub', { n: 5 });
    expect(await box.next()).toEqual({ n: 5 });
    await new Promise((r) => setTimeout(r, 200));
    expect(box.inbox).toEqual([]);
    client.disconnect();
  }, 15000);

  it('receives messages broadcast while it was disconnected, exactly once and in order', async () => {
    const client = createCable(cable.url, {
      websocketImplementation: WebSocket,
      protocol: EXT,
      auth: { token: cable.userToken('catchup-user'), param: 'token' },
      logLevel: 'error',
    });
    const channel = client.subscribeTo('ChatChannel', { room: 'catchup' });
    const box = inboxOf();
    channel.on('message', (m: unknown) => box.push(m));
    await channel.ensureSubscribed();
    await cable.cable.broadcast('chat_catchup', { n: 0 });
    expect(await box.next()).toEqual({ n: 0 });
    const disconnected = new Promise((r) => client.once('disconnect', r));
    (client.transport as unknown as { ws: WebSocket }).ws.terminate();
    await disconnected;
    for (let n = 1; n <= 5; n += 1) await cable.cable.broadcast('chat_catchup', { n });
    const got: unknown[] = [];
    for (let n = 1; n <= 5; n += 1) got.push(await box.next(() => true, 10000));
    expect(got).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    await cable.cable.broadcast('chat_catchup', { n: 6 });
    expect(await box.next()).toEqual({ n: 6 });
    await new Promise((r) => setTimeout(r, 300));
    expect(box.inbox).toEqual([]);
    client.disconnect();
  }, 20000);
});
