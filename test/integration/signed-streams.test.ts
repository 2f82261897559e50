// Signed and public streams (`$pubsub`) and Turbo Streams (`Turbo::StreamsChannel`) with real clients over real
// sockets: @anycable/core `streamFromSigned` / `streamFrom`, a @rails/actioncable consumer, raw frames; whispers and
// presence as the settings allow them; POST /_sign_stream and `npm run sign-stream`.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { createCable } from '@anycable/core';
import { loadStreamsConfig } from '../../config';
import { streamsChannels } from '../../channels/streams/index';
import { signMessage, signStreamName, verifySignedStreamName } from '../../src/channel/index';
import { inboxOf, railsCable, railsSubscribe } from '../support/clients';
import { startE2EServer } from '../support/e2e-server';
import { startTestCable, type TestCable } from '../support/test-cable';
import { openRaw } from '../support/ws-client';
import { sleep } from '../support/wait';

const SECRET = 'streams-secret-for-the-tests-0123456789';
const TURBO_SECRET = 'turbo-verifier-key-for-the-tests-0123';
const ROOT = path.resolve(__dirname, '../..');

type Cable = ReturnType<typeof createCable>;

/** A test server with only the stream channels, configured from `env` as the real server is. */
function streamsServer(env: Record<string, string>): Promise<TestCable> {
  return startTestCable(env, { channels: streamsChannels, services: { streams: loadStreamsConfig(env) } });
}

const servers: TestCable[] = [];
const cables: Cable[] = [];
async function server(env: Record<string, string>): Promise<TestCable> {
  const s = await streamsServer(env);
  servers.push(s);
  return s;
}
function anyCable(s: TestCable, user: string, protocol: 'actioncable-v1-json' | 'actioncable-v1-ext-json' = 'actioncable-v1-ext-json'): Cable {
  const c = createCable(s.url, { websocketImplementation: WebSocket, auth: { token: s.userToken(user), param: 'token' }, protocol, logLevel: 'error' });
  cables.push(c);
  return c;
}
/** Messages and join/leave events of a subscription. */
function collect(channel: ReturnType<Cable['streamFrom']>) {
  const messages = inboxOf();
  const presence = inboxOf();
  channel.on('message', (m: unknown) => messages.push(m));
  channel.on('presence', (e: { type?: string }) => (e.type === 'join' || e.type === 'leave' ? presence.push(e) : undefined));
  return { channel, messages, presence };
}
async function broadcastOverHttp(s: TestCable, stream: string, data: string): Promise<number> {
  const res = await fetch(`${s.httpUrl}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream, data }) });
  return res.status;
}

afterEach(() => {
  for (const c of cables.splice(0)) c.disconnect();
});
afterAll(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

describe('$pubsub with @anycable/core (secret set, public streams on)', () => {
  let s: TestCable;
  beforeAll(async () => {
    s = await server({ CABLE_STREAMS_SECRET: SECRET, CABLE_PUBLIC_STREAMS: 'true' });
  });

  it('streamFromSigned follows the signed stream and receives what POST /_broadcast publishes', async () => {
    const sub = collect(anyCable(s, 'signed-user').streamFromSigned(signStreamName(SECRET, 'chat/42')));
    await sub.channel.ensureSubscribed();
    expect(await broadcastOverHttp(s, 'chat/42', JSON.stringify({ text: 'hi' }))).toBe(201);
    expect(await sub.messages.next()).toEqual({ text: 'hi' });
    // Plain text data is published as a JSON string and arrives as that string.
    expect(await broadcastOverHttp(s, 'chat/42', '<b>plain</b>')).toBe(201);
    expect(await sub.messages.next()).toBe('<b>plain</b>');
  });

  it('streamFrom follows a public stream by its name', async () => {
    const sub = collect(anyCable(s, 'public-user', 'actioncable-v1-json').streamFrom('chat/public'));
    await sub.channel.ensureSubscribed();
    await s.cable.broadcast('chat/public', { n: 1 });
    expect(await sub.messages.next()).toEqual({ n: 1 });
  });

  it.each([
    ['signed with another secret', signStreamName('another-secret-0123456789abcdef', 'chat/42')],
    ['with a tampered digest', signStreamName(SECRET, 'chat/42').replace(/.$/, (c) => (c === '0' ? '1' : '0'))],
    ['with a swapped payload', `${Buffer.from('"chat/43"').toString('base64')}--${signStreamName(SECRET, 'chat/42').split('--')[1]}`],
    ['signing a non-string', signMessage(SECRET, ['chat/42'])],
    ['garbage', 'not-a-signed-name'],
  ])('rejects a signed name %s', async (_label, signed) => {
    const channel = anyCable(s, 'bad-signature').streamFromSigned(signed);
    await expect(channel.ensureSubscribed()).rejects.toThrow();
  });

  it("refuses the server's internal streams, public or signed", async () => {
    for (const name of ['action_cable/Z2lkOi8vc2VydmVyL1VzZXIvdXNlci0x', '__cable_sessions__', '__cable_transient__']) {
      const c = anyCable(s, 'internal');
      await expect(c.streamFrom(name).ensureSubscribed()).rejects.toThrow();
      await expect(c.streamFromSigned(signStreamName(SECRET, name)).ensureSubscribed()).rejects.toThrow();
    }
  });

  it('lets public streams whisper and use presence, and signed ones neither while CABLE_STREAMS_WHISPER/PRESENCE are off', async () => {
    const a = collect(anyCable(s, 'room-a').streamFrom('room/1'));
    const b = collect(anyCable(s, 'room-b').streamFrom('room/1'));
    await Promise.all([a.channel.ensureSubscribed(), b.channel.ensureSubscribed()]);
    await a.channel.whisper({ event: 'typing' });
    expect(await b.messages.next()).toEqual({ event: 'typing' });
    await a.channel.presence.join('room-a', { name: 'A' });
    expect(await b.presence.next()).toMatchObject({ type: 'join', id: 'room-a' });

    const signed = signStreamName(SECRET, 'room/2');
    const c = collect(anyCable(s, 'room-c').streamFromSigned(signed));
    const d = collect(anyCable(s, 'room-d').streamFromSigned(signed));
    await Promise.all([c.channel.ensureSubscribed(), d.channel.ensureSubscribed()]);
    await c.channel.whisper({ event: 'typing' });
    await c.channel.presence.join('room-c', { name: 'C' }).catch(() => undefined);
    await sleep(300);
    expect(d.messages.inbox).toEqual([]);
    expect(d.presence.inbox).toEqual([]);
    await s.cable.broadcast('room/2', { still: 'streams' });
    expect(await d.messages.next()).toEqual({ still: 'streams' });
  });
});

describe('$pubsub settings', () => {
  it('lets signed streams whisper and use presence with CABLE_STREAMS_WHISPER=true and CABLE_STREAMS_PRESENCE=true', async () => {
    const s = await server({ CABLE_STREAMS_SECRET: SECRET, CABLE_STREAMS_WHISPER: 'true', CABLE_STREAMS_PRESENCE: 'true' });
    const signed = signStreamName(SECRET, 'room/3');
    const a = collect(anyCable(s, 'whisper-a').streamFromSigned(signed));
    const b = collect(anyCable(s, 'whisper-b').streamFromSigned(signed));
    await Promise.all([a.channel.ensureSubscribed(), b.channel.ensureSubscribed()]);
    await a.channel.whisper({ event: 'cursor', x: 1 });
    expect(await b.messages.next()).toEqual({ event: 'cursor', x: 1 });
    await a.channel.presence.join('whisper-a', {});
    expect(await b.presence.next()).toMatchObject({ type: 'join', id: 'whisper-a' });
    expect(Object.keys((await b.channel.presence.info()) ?? {})).toEqual(['whisper-a']);
  });

  it('refuses public streams while CABLE_PUBLIC_STREAMS is off, and still serves signed ones', async () => {
    const s = await server({ CABLE_STREAMS_SECRET: SECRET });
    const c = anyCable(s, 'public-off');
    await expect(c.streamFrom('chat/1').ensureSubscribed()).rejects.toThrow();
    const signed = collect(c.streamFromSigned(signStreamName(SECRET, 'chat/1')));
    await signed.channel.ensureSubscribed();
    await s.cable.broadcast('chat/1', { ok: true });
    expect(await signed.messages.next()).toEqual({ ok: true });
  });

  it('refuses everything without settings: signed, public and Turbo', async () => {
    const s = await server({});
    const raw = await openRaw(s.urlFor(s.userToken('nothing')));
    await raw.next((f) => f.type === 'welcome');
    const identifiers = [
      { channel: '$pubsub', signed_stream_name: signStreamName(SECRET, 'chat/1') },
      { channel: '$pubsub', stream_name: 'chat/1' },
      { channel: '$pubsub' },
      { channel: 'Turbo::StreamsChannel', signed_stream_name: signStreamName(SECRET, 'chat/1') },
    ].map((i) => JSON.stringify(i));
    for (const identifier of identifiers) {
      raw.send({ command: 'subscribe', identifier });
      expect(await raw.next((f) => f.identifier === identifier)).toEqual({ identifier, type: 'reject_subscription' });
    }
    raw.close();
  });

  it('takes a non-empty stream_name before signed_stream_name, as AnyCable does', async () => {
    const s = await server({ CABLE_STREAMS_SECRET: SECRET });
    const raw = await openRaw(s.urlFor(s.userToken('both')));
    await raw.next((f) => f.type === 'welcome');
    const both = JSON.stringify({ channel: '$pubsub', stream_name: 'chat/x', signed_stream_name: signStreamName(SECRET, 'chat/x') });
    raw.send({ command: 'subscribe', identifier: both });
    expect(await raw.next((f) => f.identifier === both)).toEqual({ identifier: both, type: 'reject_subscription' });
    const emptyPlain = JSON.stringify({ channel: '$pubsub', stream_name: '', signed_stream_name: signStreamName(SECRET, 'chat/x') });
    raw.send({ command: 'subscribe', identifier: emptyPlain });
    expect(await raw.next((f) => f.identifier === emptyPlain)).toEqual({ identifier: emptyPlain, type: 'confirm_subscription' });
    raw.close();
  });
});

describe('$pubsub with @rails/actioncable', () => {
  const AC = railsCable();
  let s: TestCable;
  beforeAll(async () => {
    s = await server({ CABLE_STREAMS_SECRET: SECRET, CABLE_PUBLIC_STREAMS: '1' });
  });

  it('subscribes {channel: "$pubsub", signed_stream_name} and receives broadcasts', async () => {
    const consumer = AC.createConsumer(s.urlFor(s.userToken('rails-user')));
    try {
      const sub = railsSubscribe(consumer, { channel: '$pubsub', signed_stream_name: signStreamName(SECRET, 'notifications/17') });
      expect(await sub.state).toBe('connected');
      expect(await broadcastOverHttp(s, 'notifications/17', JSON.stringify({ title: 'Hello' }))).toBe(201);
      expect(await sub.next()).toEqual({ title: 'Hello' });
      const pub = railsSubscribe(consumer, { channel: '$pubsub', stream_name: 'notifications/public' });
      expect(await pub.state).toBe('connected');
      await s.cable.broadcast('notifications/public', { n: 2 });
      expect(await pub.next()).toEqual({ n: 2 });
      const bad = railsSubscribe(consumer, { channel: '$pubsub', signed_stream_name: signStreamName(TURBO_SECRET, 'notifications/17') });
      expect(await bad.state).toBe('rejected');
    } finally {
      consumer.disconnect();
    }
  });
});

describe('Turbo::StreamsChannel', () => {
  const AC = railsCable();

  it('verifies with CABLE_TURBO_STREAMS_SECRET and delivers the turbo-stream HTML string unchanged', async () => {
    const s = await server({ CABLE_STREAMS_SECRET: SECRET, CABLE_TURBO_STREAMS_SECRET: TURBO_SECRET });
    const consumer = AC.createConsumer(s.urlFor(s.userToken('turbo-user')));
    try {
      const stream = 'Z2lkOi8vc2VydmVyL0FjY291bnQvNDI:messages';
      // turbo-rails' <turbo-cable-stream-source> sends its data-* attributes along; they are ignored.
      const sub = railsSubscribe(consumer, { channel: 'Turbo::StreamsChannel', signed_stream_name: signStreamName(TURBO_SECRET, stream), extra: 'x' });
      expect(await sub.state).toBe('connected');
      const html = '<turbo-stream action="append" target="messages"><template><p id="m1">Hi & bye</p></template></turbo-stream>';
      expect(await broadcastOverHttp(s, stream, JSON.stringify(html))).toBe(201);
      expect(await sub.next()).toBe(html);
      // The streams secret does not verify Turbo names once a Turbo secret is set, nor the Turbo secret $pubsub names.
      const streamsSigned = railsSubscribe(consumer, { channel: 'Turbo::StreamsChannel', signed_stream_name: signStreamName(SECRET, stream) });
      expect(await streamsSigned.state).toBe('rejected');
      const crossed = railsSubscribe(consumer, { channel: '$pubsub', signed_stream_name: signStreamName(TURBO_SECRET, stream) });
      expect(await crossed.state).toBe('rejected');
    } finally {
      consumer.disconnect();
    }
  });

  it('falls back to CABLE_STREAMS_SECRET (AnyCable GetTurboSecret)', async () => {
    const s = await server({ CABLE_STREAMS_SECRET: SECRET });
    const raw = await openRaw(s.urlFor(s.userToken('turbo-fallback')));
    const texts: string[] = [];
    raw.ws.on('message', (data) => texts.push(String(data)));
    await raw.next((f) => f.type === 'welcome');
    const identifier = JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: signStreamName(SECRET, 'board:7') });
    raw.send({ command: 'subscribe', identifier });
    expect(await raw.next((f) => f.identifier === identifier)).toEqual({ identifier, type: 'confirm_subscription' });
    await s.cable.broadcast('board:7', '<turbo-stream action="remove" target="card_1"></turbo-stream>');
    expect(await raw.next((f) => f.identifier === identifier && 'message' in f)).toEqual({ identifier, message: '<turbo-stream action="remove" target="card_1"></turbo-stream>' });
    // On the wire as Rails writes it: the HTML as a JSON string with < and > escaped.
    expect(texts.at(-1)).toBe(`{"identifier":${JSON.stringify(identifier)},"message":"\\u003cturbo-stream action=\\"remove\\" target=\\"card_1\\"\\u003e\\u003c/turbo-stream\\u003e"}`);
    raw.close();
  });
});

describe('POST /_sign_stream', () => {
  const KEY = 'broadcast-key-for-the-tests';
  let s: TestCable;
  let bare: TestCable;
  beforeAll(async () => {
    s = await server({ CABLE_STREAMS_SECRET: SECRET, CABLE_TURBO_STREAMS_SECRET: TURBO_SECRET, BROADCAST_KEY: KEY });
    bare = await server({});
  });
  const sign = (target: TestCable, body: unknown, key: string | null = KEY) =>
    fetch(`${target.httpUrl}/_sign_stream`, {
      method: 'POST',
      headers: key ? { Authorization: `Bearer ${key}` } : {},
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('signs a stream name that subscribes, and with "turbo":true one for Turbo::StreamsChannel', async () => {
    const res = await sign(s, { stream: 'chat/99' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { signed_stream_name: signed } = (await res.json()) as { signed_stream_name: string };
    expect(signed).toBe(signStreamName(SECRET, 'chat/99'));
    const sub = collect(anyCable(s, 'http-signed').streamFromSigned(signed));
    await sub.channel.ensureSubscribed();
    await s.cable.broadcast('chat/99', { via: 'http' });
    expect(await sub.messages.next()).toEqual({ via: 'http' });
    const turbo = (await (await sign(s, { stream: 'chat/99', turbo: true })).json()) as { signed_stream_name: string };
    expect(verifySignedStreamName(TURBO_SECRET, turbo.signed_stream_name)).toEqual({ ok: true, value: 'chat/99' });
  });

  it('is guarded like /_broadcast: 401 without the key or with another', async () => {
    expect((await sign(s, { stream: 'chat/1' }, null)).status).toBe(401);
    expect((await sign(s, { stream: 'chat/1' }, 'wrong-key-123')).status).toBe(401);
  });

  it.each([
    ['no stream', {}],
    ['an empty stream', { stream: '' }],
    ['a stream that is not a string', { stream: 42 }],
    ['a non-boolean turbo', { stream: 'a', turbo: 'yes' }],
    ['a body that is not JSON', 'stream=chat/1'],
  ])('answers 400 for %s', async (_label, body) => {
    const res = await sign(s, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/invalid|JSON/);
  });

  it('answers 400 when no secret is configured', async () => {
    const res = await sign(bare, { stream: 'chat/1' }, null);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'no streams secret configured (CABLE_STREAMS_SECRET)' });
    expect((await sign(bare, { stream: 'chat/1', turbo: true }, null)).status).toBe(400);
  });
});

describe('npm run sign-stream', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/sign-stream.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
    });

  it('prints the signed name with CABLE_STREAMS_SECRET, or with --turbo the Turbo secret', () => {
    const plain = run(['chat/42'], { CABLE_STREAMS_SECRET: SECRET, CABLE_TURBO_STREAMS_SECRET: TURBO_SECRET });
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe(`${signStreamName(SECRET, 'chat/42')}\n`);
    const turbo = run(['--turbo', 'chat/42'], { CABLE_STREAMS_SECRET: SECRET, CABLE_TURBO_STREAMS_SECRET: TURBO_SECRET });
    expect(turbo.stdout).toBe(`${signStreamName(TURBO_SECRET, 'chat/42')}\n`);
    const fallback = run(['--turbo', 'chat/42'], { CABLE_STREAMS_SECRET: SECRET });
    expect(fallback.stdout).toBe(`${signStreamName(SECRET, 'chat/42')}\n`);
  }, 30000);

  it('fails naming the setting when the secret is missing or too short, and prints usage without a name', () => {
    const missing = run(['chat/42'], {});
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/CABLE_STREAMS_SECRET/);
    const short = run(['chat/42'], { CABLE_STREAMS_SECRET: 'short' });
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/CABLE_STREAMS_SECRET: must be at least 16 characters/);
    const usage = run([], { CABLE_STREAMS_SECRET: SECRET });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run --silent sign-stream/);
  }, 30000);
});

describe('the real server (npm start wiring)', () => {
  it('serves $pubsub and Turbo::StreamsChannel from its settings, and signs over HTTP', async () => {
    const e2e = await startE2EServer('signed-streams', { CABLE_STREAMS_SECRET: SECRET, CABLE_TURBO_STREAMS_SECRET: TURBO_SECRET });
    try {
      const db = e2e.running.db;
      const account = await db.account.create({ data: { name: 'Streams' } });
      const user = await db.user.create({ data: { accountId: account.id, email: 'streams@example.test', name: 'Streams', status: 'active' } });
      const raw = await openRaw(e2e.urlFor(await e2e.grantToken(user.id)));
      await raw.next((f) => f.type === 'welcome');
      const res = await fetch(`http://127.0.0.1:${e2e.running.port}/_sign_stream`, { method: 'POST', body: JSON.stringify({ stream: 'chat/e2e' }) });
      const { signed_stream_name: signed } = (await res.json()) as { signed_stream_name: string };
      const identifiers = {
        signed: JSON.stringify({ channel: '$pubsub', signed_stream_name: signed }),
        turbo: JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: signStreamName(TURBO_SECRET, 'chat/e2e') }),
        public: JSON.stringify({ channel: '$pubsub', stream_name: 'chat/e2e' }),
      };
      for (const identifier of Object.values(identifiers)) raw.send({ command: 'subscribe', identifier });
      expect(await raw.next((f) => f.identifier === identifiers.signed && f.type !== undefined)).toMatchObject({ type: 'confirm_subscription' });
      expect(await raw.next((f) => f.identifier === identifiers.turbo && f.type !== undefined)).toMatchObject({ type: 'confirm_subscription' });
      expect(await raw.next((f) => f.identifier === identifiers.public && f.type !== undefined)).toMatchObject({ type: 'reject_subscription' });
      await fetch(`http://127.0.0.1:${e2e.running.port}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream: 'chat/e2e', data: '{"n":1}' }) });
      expect(await raw.next((f) => f.identifier === identifiers.signed && 'message' in f)).toMatchObject({ message: { n: 1 } });
      expect(await raw.next((f) => f.identifier === identifiers.turbo && 'message' in f)).toMatchObject({ message: { n: 1 } });
      raw.close();
    } finally {
      await e2e.stop();
    }
  });
});
