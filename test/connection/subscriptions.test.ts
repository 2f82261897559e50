// Connection + Subscriptions through the harness (no sockets): ordering, state, rejection paths.

import { z } from 'zod';
import { ApplicationChannel } from '../../channels/application-channel';
import { connectClient, createHarnessServer } from '../../src/testing/channel-harness';
import type { Identity } from '../../src/auth/identity';
import { TEST_CHANNELS } from '../support/test-channels';

const user: Identity = { kind: 'user', userId: 'u1', accountId: 'a1', email: 'u@x', name: 'U', roles: [], permissions: new Set(), connectionIdentifier: 'gid' };

class SlowChannel extends ApplicationChannel {
  static override channel = 'SlowChannel';
  static override actions = { mark: z.looseObject({ n: z.number() }) };
  override async subscribed(): Promise<void> {
    await new Promise((r) => setTimeout(r, 30));
    this.streamFrom('slow');
  }
  async mark({ n }: { n: number }): Promise<void> {
    await new Promise((r) => setTimeout(r, 10 - n));
    this.transmit({ n });
  }
}

describe('Subscriptions', () => {
  it('processes a message sent right after subscribe only after the subscription is confirmed', async () => {
    const server = createHarnessServer([SlowChannel], {});
    const client = await connectClient(server, user);
    const id = JSON.stringify({ channel: 'SlowChannel' });
    client.connection.receive(JSON.stringify({ command: 'subscribe', identifier: id }));
    client.connection.receive(JSON.stringify({ command: 'message', identifier: id, data: JSON.stringify({ action: 'mark', n: 1 }) }));
    client.connection.receive(JSON.stringify({ command: 'message', identifier: id, data: JSON.stringify({ action: 'mark', n: 2 }) }));
    await client.send({ command: 'noop-barrier' });
    const types = client.transport.messages.filter((m) => m.identifier === id).map((m) => m.type ?? m.message);
    expect(types).toEqual(['confirm_subscription', { n: 1 }, { n: 2 }]);
  });

  it('runs unsubscribed for every subscription on close', async () => {
    const server = createHarnessServer(TEST_CHANNELS, {});
    const watcher = await connectClient(server, user);
    await watcher.subscribe({ channel: 'PresenceChannel', id: 'z' });
    const leaver = await connectClient(server, user);
    await leaver.subscribe({ channel: 'PresenceChannel', id: 'z' });
    await leaver.close();
    expect(watcher.received({ channel: 'PresenceChannel', id: 'z' })).toEqual([{ event: 'user left', id: 'z' }]);
  });

  it('rejects unknown channels and keeps duplicate subscribes silent', async () => {
    const server = createHarnessServer(TEST_CHANNELS, {});
    const client = await connectClient(server, user);
    expect(await client.subscribe({ channel: 'Nope' })).toBe('reject_subscription');
    expect(await client.subscribe({ channel: 'ChatChannel', room: 'r' })).toBe('confirm_subscription');
    expect(await client.subscribe({ channel: 'ChatChannel', room: 'r' })).toBe('none');
  });
});

describe('bare-identifier actions (Powernode WebSocketManager)', () => {
  it('routes {"channel":"X"} messages to the only subscription of X', async () => {
    const server = createHarnessServer(TEST_CHANNELS, {});
    const client = await connectClient(server, user);
    await client.subscribe({ channel: 'ChatChannel', room: 'only' });
    await client.send({ command: 'message', identifier: JSON.stringify({ channel: 'ChatChannel' }), data: JSON.stringify({ action: 'tick' }) });
    expect(client.received({ channel: 'ChatChannel', room: 'only' })).toEqual([{ count: 1, room: 'only' }]);
  });

  it('does not guess when two subscriptions of the channel exist', async () => {
    const server = createHarnessServer(TEST_CHANNELS, {});
    const client = await connectClient(server, user);
    await client.subscribe({ channel: 'ChatChannel', room: 'a' });
    await client.subscribe({ channel: 'ChatChannel', room: 'b' });
    const before = client.transport.frames.length;
    await client.send({ command: 'message', identifier: JSON.stringify({ channel: 'ChatChannel' }), data: JSON.stringify({ action: 'tick' }) });
    expect(client.transport.frames.length).toBe(before);
  });
});
