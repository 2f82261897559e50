// The unmodified @rails/actioncable client against our server: connected / received / rejected / perform, and
// reconnection after a server restart (protocol.md §7 item 24).

import { railsCable, railsSubscribe } from '../support/clients';
import { startTestCable, type TestCable } from '../support/test-cable';

const AC = railsCable();

let cable: TestCable;
beforeAll(async () => {
  cable = await startTestCable();
});
afterAll(async () => {
  await cable.stop();
});

describe('@rails/actioncable', () => {
  it('connects, receives broadcasts and performs actions', async () => {
    const consumer = AC.createConsumer(cable.urlFor(cable.userToken()));
    const sub = railsSubscribe(consumer, { channel: 'ChatChannel', room: 'rails' });
    expect(await sub.state).toBe('connected');
    await cable.cable.broadcast('chat_rails', { text: 'hello' });
    expect(await sub.next()).toEqual({ text: 'hello' });
    sub.perform('speak', { body: 'from client' });
    expect(await sub.next()).toEqual({ body: 'from client', from: 'user' });
    consumer.disconnect();
  });

  it('reports rejected subscriptions and stops retrying them', async () => {
    const consumer = AC.createConsumer(cable.urlFor(cable.userToken()));
    const sub = railsSubscribe(consumer, { channel: 'NoSuchChannel' });
    expect(await sub.state).toBe('rejected');
    consumer.disconnect();
  });

  it('delivers transmissions made in subscribed', async () => {
    const consumer = AC.createConsumer(cable.urlFor(cable.userToken()));
    const sub = railsSubscribe(consumer, { channel: 'TransmitChannel' });
    expect(await sub.next()).toBe('hello');
    expect(await sub.next()).toBe('world');
    expect(await sub.state).toBe('connected');
    consumer.disconnect();
  });

  it('reconnects and resubscribes after a server restart', async () => {
    const first = await startTestCable();
    const port = first.port;
    const token = first.userToken('restart-user');
    // Shorten the client's stale threshold so the reconnect happens in ~1–2 s instead of 6–12 s.
    const previous = AC.ConnectionMonitor.staleThreshold;
    AC.ConnectionMonitor.staleThreshold = 1;
    const consumer = AC.createConsumer(`ws://127.0.0.1:${port}/cable?token=${encodeURIComponent(token)}`);
    let reconnected: unknown;
    const sub = railsSubscribe(consumer, { channel: 'ChatChannel', room: 'restart' }, { connected: (d) => (reconnected = d) });
    expect(await sub.state).toBe('connected');
    await first.stop();
    const second = await startTestCable({ PORT: String(port) });
    try {
      second.store.addUser({ id: 'restart-user' });
      const deadline = Date.now() + 15000;
      while (second.cable.connectionCount === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300));
      await second.cable.broadcast('chat_restart', { after: 'restart' });
      expect(await sub.next((m) => (m as { after?: string }).after === 'restart', 8000)).toEqual({ after: 'restart' });
      expect(reconnected).toEqual({ reconnected: true });
    } finally {
      AC.ConnectionMonitor.staleThreshold = previous;
      consumer.disconnect();
      await second.stop();
    }
  }, 30000);
});
