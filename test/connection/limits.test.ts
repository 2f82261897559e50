// Review findings: per-connection resource limits (src/connection/*, src/server/cable-server.ts).
//
// 1. No cap on subscriptions per connection. Any channel whose params schema is z.looseObject (all of them)
//    accepts extra keys, so `{"channel":"NotificationChannel","account_id":<own>,"n":i}` gives unlimited distinct
//    identifiers: each holds a channel instance, hub entries (one frame prefix per identifier and stream) and
//    makes every broadcast on the shared streams build and write one more frame.
// 2. No cap on identifier size (only CABLE_MAX_FRAME_BYTES, 1 MiB): the identifier is kept ~4× per stream (map
//    key, quoted, hub prefix) and echoed back in confirm/reject, and Subscriptions.bareChannelTarget JSON-parses
//    every held identifier on each message with an unknown identifier.
// 3. No bound on queued inbound commands: Connection.receive appends every frame to the promise chain; while one
//    command is slow (DB, pub/sub), an attacker can queue frames (up to 1 MiB each) without limit.
// 4. Cleanup on close is queued behind in-flight commands: a command that never settles pins the Connection, its
//    subscriptions and hub streams forever.
// Fixed (CABLE_MAX_SUBSCRIPTIONS, CABLE_MAX_IDENTIFIER_BYTES, CABLE_MAX_PENDING_COMMANDS backpressure, detach at close);
// originally it.failing until limits exist (suggested: CABLE_MAX_SUBSCRIPTIONS ≈ 256 → reject_subscription,
// CABLE_MAX_IDENTIFIER_BYTES ≈ 4 KiB → reject_subscription, a pending-command cap → ws.pause() or disconnect,
// and hub/stream detachment at close time instead of after the chain).

import { z } from 'zod';
import { ApplicationChannel } from '../../channels/application-channel';
import { ChatChannel } from '../support/test-channels';
import { openRaw, type RawClient } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';

let release: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

class SlowChannel extends ApplicationChannel {
  static override channel = 'SlowChannel';
  static override accepts = 'any' as const;
  static override actions = { block: z.looseObject({}), echo: z.looseObject({}), hang: z.looseObject({}) };
  override subscribed(): void {
    this.streamFrom(typeof this.rawParams.stream === 'string' ? this.rawParams.stream : 'slow_stream');
  }
  async block(): Promise<void> {
    await gate;
  }
  echo(): void {
    this.transmit({ ok: true });
  }
  async hang(): Promise<void> {
    await new Promise<void>(() => undefined);
  }
}

let cable: TestCable;
beforeAll(async () => {
  // These tests flood one connection on purpose; the command rate limit (tested in test/server/) is off here.
  cable = await startTestCable({ CABLE_COMMAND_RATE: '0' }, { channels: [ChatChannel, SlowChannel] });
});
afterAll(async () => {
  release();
  await cable.stop();
});

async function connected(): Promise<RawClient> {
  const c = await openRaw(cable.urlFor(cable.userToken()));
  await c.next();
  return c;
}

describe('per-connection limits', () => {
  it('caps the number of subscriptions on one connection', async () => {
    const c = await connected();
    const n = 1000;
    for (let i = 0; i < n; i++) c.send({ command: 'subscribe', identifier: JSON.stringify({ channel: 'ChatChannel', room: 'lobby', n: i }) });
    const answers: Array<Record<string, unknown>> = [];
    for (let i = 0; i < n; i++) answers.push(await c.next((f) => typeof f.identifier === 'string' && typeof f.type === 'string', 10_000));
    c.close();
    expect(answers.filter((f) => f.type === 'reject_subscription').length).toBeGreaterThan(0);
  }, 60_000);

  it('rejects a 256 KiB identifier', async () => {
    const c = await connected();
    const identifier = JSON.stringify({ channel: 'ChatChannel', room: 'lobby', pad: 'x'.repeat(256 * 1024) });
    c.send({ command: 'subscribe', identifier });
    const f = await c.next((x) => x.identifier === identifier);
    c.close();
    expect(f.type).toBe('reject_subscription');
  });

  it('does not queue an unbounded number of commands behind a slow one', async () => {
    const c = await connected();
    const identifier = JSON.stringify({ channel: 'SlowChannel' });
    c.send({ command: 'subscribe', identifier });
    await c.next((f) => f.identifier === identifier);
    gate = new Promise<void>((r) => (release = r));
    c.send({ command: 'message', identifier, data: JSON.stringify({ action: 'block' }) });
    const queued = 5000;
    const pad = 'p'.repeat(8 * 1024);
    for (let i = 0; i < queued; i++) c.send({ command: 'message', identifier, data: JSON.stringify({ action: 'echo', pad }) });
    await new Promise((r) => setTimeout(r, 500));
    const conn = [...cable.cable.allConnections()].find((x) => x.subscribedIdentifiers().includes(identifier));
    const held = conn?.pendingCommands;
    release();
    let answered = 0;
    for (; answered < queued; answered++) await c.next((f) => f.identifier === identifier && f.message !== undefined, 5000);
    c.close();
    // Fixed with backpressure: reading pauses at CABLE_MAX_PENDING_COMMANDS (256), so only about that many frames are
    // held while the slow command runs (plus what the socket had already read), and nothing is dropped.
    expect(held).toBeLessThan(queued / 4);
    expect(answered).toBe(queued);
  }, 60_000);

  it('a command that never settles does not pin the closed connection and its streams', async () => {
    const hubStreams = (cable.hub as unknown as { streams: Map<string, unknown> }).streams;
    const c = await connected();
    const identifier = JSON.stringify({ channel: 'SlowChannel', stream: 'hang_stream' });
    c.send({ command: 'subscribe', identifier });
    await c.next((f) => f.identifier === identifier);
    c.send({ command: 'message', identifier, data: JSON.stringify({ action: 'hang' }) });
    await new Promise((r) => setTimeout(r, 50));
    c.close();
    await c.closed;
    await new Promise((r) => setTimeout(r, 300));
    expect(hubStreams.has('hang_stream')).toBe(false);
  });
});
