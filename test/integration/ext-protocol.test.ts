// AnyCable's extended protocol (protocol.md §3.1, §7 items 25–28): sid in welcome, positioned frames, history
// by offset and by time, reject_history, session restore, and catch-up of the real @anycable/core client.

import WebSocket from 'ws';
import { createCable } from '@anycable/core';
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
  });

  it('answers a client ping with pong', async () => {
    const { c } = await extClient();
    c.send({ command: 'ping' });
    expect(await c.next()).toEqual({ type: 'pong' });
    c.close();
  });
});

describe('@anycable/core with the extended protocol', () => {
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
