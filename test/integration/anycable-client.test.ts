// The unmodified @anycable/core client (base protocol) against our server: sorted-key identifiers, confirm
// without spurious unsubscribe, broadcasts, perform, rejection, and tokenRefresher on token_expired.

import WebSocket from 'ws';
import { createCable } from '@anycable/core';
import { startTestCable, type TestCable } from '../support/test-cable';
import { inboxOf } from '../support/clients';

let cable: TestCable;
beforeAll(async () => {
  cable = await startTestCable();
});
afterAll(async () => {
  await cable.stop();
});

function anyCable(token: string, extra: Record<string, unknown> = {}) {
  return createCable(cable.url, { websocketImplementation: WebSocket, auth: { token, param: 'token' }, logLevel: 'error', ...extra });
}

describe('@anycable/core', () => {
  it('subscribes with sorted-key identifiers, receives broadcasts and performs actions', async () => {
    const client = anyCable(cable.userToken());
    const channel = client.subscribeTo('ChatChannel', { room: 'anycable' });
    const box = inboxOf();
    channel.on('message', (m: unknown) => box.push(m));
    await channel.ensureSubscribed();
    await cable.cable.broadcast('chat_anycable', { text: 'hi' });
    expect(await box.next()).toEqual({ text: 'hi' });
    await channel.perform('speak', { body: 'yo' });
    expect(await box.next()).toEqual({ body: 'yo', from: 'user' });
    expect(channel.state).toBe('connected');
    client.disconnect();
  });

  it('surfaces a rejection as an error on ensureSubscribed', async () => {
    const client = anyCable(cable.userToken());
    const channel = client.subscribeTo('ChatChannel', { room: 'not valid!' });
    await expect(channel.ensureSubscribed()).rejects.toThrow();
    client.disconnect();
  });

  it('calls tokenRefresher once on token_expired and reconnects with the new token', async () => {
    const expiring = cable.userToken('refresh-user', { expiresInSeconds: 2 });
    let refreshed = 0;
    const client = anyCable(expiring, {
      tokenRefresher: async (transport: { setParam(k: string, v: string): void }) => {
        refreshed += 1;
        transport.setParam('token', cable.userToken('refresh-user', { expiresInSeconds: 600 }));
      },
    });
    const channel = client.subscribeTo('ChatChannel', { room: 'refresh' });
    await channel.ensureSubscribed();
    const closed = new Promise((resolve) => client.on('close', (ev: unknown) => resolve(ev)));
    expect(await closed).toMatchObject({ reason: 'token_expired' });
    const deadline = Date.now() + 8000;
    while (client.state !== 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(client.state).toBe('connected');
    expect(refreshed).toBe(1);
    client.disconnect();
  }, 15000);
});
