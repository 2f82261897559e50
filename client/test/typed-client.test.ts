// The typed client against the real server (the framework's test cable with the conformance channels), over both
// transports: subscribe, receive a broadcast, perform an action, rejection as an error, wrapping an existing
// consumer or cable, and a token function asked on connect.

import WebSocket from 'ws';
import { createCable } from '@anycable/core';
import { createTypedCable, SubscriptionRejectedError, type TransportName, type TypedSubscription } from '../src/index';
import { railsCable } from '../../test/support/clients';
import { startTestCable, type TestCable } from '../../test/support/test-cable';
import type { ChatChannel, RejectChannel } from '../../test/support/test-channels';

/** The conformance channels as the client sees them (an app passes its own map the same way). */
type TestMap = { ChatChannel: typeof ChatChannel; RejectChannel: typeof RejectChannel };

let server: TestCable;
const opened: Array<{ disconnect(): void }> = [];
beforeAll(async () => {
  server = await startTestCable();
});
afterEach(() => opened.splice(0).forEach((c) => c.disconnect()));
afterAll(() => server.stop());

function typedCable(transport: TransportName, token: string | (() => string) = server.userToken()) {
  const cable = createTypedCable<TestMap>({ url: server.url, token, transport, websocket: WebSocket });
  opened.push(cable);
  return cable;
}

/** The next message a subscription receives. */
function nextMessage<M, C extends keyof M & string>(sub: TypedSubscription<M, C>, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no message on ${sub.channel}`))), timeoutMs);
    const off = sub.on('message', (m) => (clearTimeout(timer), off(), resolve(m)));
  });
}

describe.each(['actioncable', 'anycable'] as const)('createTypedCable over %s', (transport) => {
  it('subscribes, receives a broadcast and performs an action', async () => {
    const cable = typedCable(transport);
    expect(cable.transport).toBe(transport);
    const room = cable.subscribe('ChatChannel', { room: `typed-${transport}` });
    const connects: number[] = [];
    room.on('connect', () => connects.push(1));
    await room.ensureSubscribed();
    expect(room.state).toBe('connected');
    expect(connects).toHaveLength(1);

    const broadcast = nextMessage(room);
    await server.cable.broadcast(`chat_typed-${transport}`, { text: 'hi' });
    expect(await broadcast).toEqual({ text: 'hi' });

    const reply = nextMessage(room);
    await room.perform('speak', { body: 'typed' });
    expect(await reply).toEqual({ body: 'typed', from: 'user' });

    room.unsubscribe();
    expect(room.state).toBe('closed');
    await expect(room.ensureSubscribed()).rejects.toThrow('unsubscribed');
  });

  it('surfaces a rejection as SubscriptionRejectedError (ensureSubscribed, perform and on("error"))', async () => {
    const cable = typedCable(transport);
    const refused = cable.subscribe('RejectChannel');
    const errors: Error[] = [];
    refused.on('error', (e) => errors.push(e));
    const err = await refused.ensureSubscribed().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubscriptionRejectedError);
    expect(err).toMatchObject({ channel: 'RejectChannel', message: 'subscription to RejectChannel was rejected' });
    expect(refused.state).toBe('rejected');
    expect(errors).toEqual([err]);
    await expect(refused.perform('anything' as never)).rejects.toBeInstanceOf(SubscriptionRejectedError);

    // Params the channel's schema refuses are a rejection too.
    const invalid = cable.subscribe('ChatChannel', { room: 'not valid!' });
    await expect(invalid.ensureSubscribed()).rejects.toBeInstanceOf(SubscriptionRejectedError);
  });

  it('asks a token function when it connects', async () => {
    let asked = 0;
    const cable = typedCable(transport, () => (asked++, server.userToken('token-fn')));
    const room = cable.subscribe('ChatChannel', { room: `fn-${transport}` });
    await room.ensureSubscribed();
    expect(asked).toBeGreaterThanOrEqual(1);
  });
});

describe('wrapping an existing client', () => {
  it('takes a @rails/actioncable consumer', async () => {
    const consumer = railsCable().createConsumer(server.urlFor(server.userToken()));
    opened.push(consumer);
    const cable = createTypedCable<TestMap>({ consumer });
    expect(cable.transport).toBe('actioncable');
    expect(cable.raw).toBe(consumer);
    const room = cable.subscribe('ChatChannel', { room: 'wrapped-rails' });
    await room.ensureSubscribed();
    const reply = nextMessage(room);
    await room.perform('speak', { body: 'wrapped' });
    expect(await reply).toEqual({ body: 'wrapped', from: 'user' });
  });

  it('takes an @anycable/core cable', async () => {
    const raw = createCable(server.url, { websocketImplementation: WebSocket, auth: { token: server.userToken(), param: 'token' }, logLevel: 'error' });
    opened.push(raw);
    const cable = createTypedCable<TestMap>({ cable: raw });
    expect(cable.transport).toBe('anycable');
    const room = cable.subscribe('ChatChannel', { room: 'wrapped-any' });
    await room.ensureSubscribed();
    const broadcast = nextMessage(room);
    await server.cable.broadcast('chat_wrapped-any', { n: 1 });
    expect(await broadcast).toEqual({ n: 1 });
  });
});
