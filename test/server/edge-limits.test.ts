// The transport-edge limits against a real server (issue 15): frame size from the header and before the welcome,
// frame/handshake/auth deadlines, per-address caps with trusted proxies, per-user sockets, streams per connection
// and the inbound command rate. Each test starts its own server with the limit under test made small.

import type { RawClient } from '../support/ws-client';
import { openRaw } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';
import { ChatChannel } from '../support/test-channels';
import { connectTcp, frameHeader, rawUpgrade, textFrame, whenClosed, type RawUpgrade } from '../support/raw-socket';
import { capturingLogger } from '../support/logger';
import { sleep, waitFor } from '../support/wait';

const isType = (type: string) => (f: Record<string, unknown>) => f.type === type;
const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });

let cable: TestCable | undefined;
afterEach(async () => {
  await cable?.stop();
  cable = undefined;
});

async function serve(env: Record<string, string>, logger = capturingLogger()): Promise<{ cable: TestCable; lines: Array<Record<string, unknown>> }> {
  cable = await startTestCable(env, { channels: [ChatChannel], logger: logger.logger });
  return { cable, lines: logger.lines as Array<Record<string, unknown>> };
}

async function welcomed(c: TestCable, user = 'user-1'): Promise<RawClient> {
  const client = await openRaw(c.urlFor(c.userToken(user)));
  client.ws.on('error', () => undefined);
  await client.next(isType('welcome'));
  return client;
}

/** Write raw bytes under a ws client (what a hostile client does). */
function writeRaw(client: RawClient, bytes: Buffer): void {
  (client.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(bytes);
}

const codesOf = (lines: Array<Record<string, unknown>>) => lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.code);

describe('frame size', () => {
  it('refuses a frame announcing more than CABLE_MAX_FRAME_BYTES from its header (1009), before any payload', async () => {
    const { cable: c, lines } = await serve({ CABLE_MAX_FRAME_BYTES: '65536' });
    const client = await welcomed(c);
    writeRaw(client, frameHeader(16 * 1024 * 1024));
    expect((await client.closed).code).toBe(1009);
    await waitFor(() => codesOf(lines).includes('CABLE_MESSAGE_TOO_BIG'), 2000, 'the 1009 log line');
  });

  it('takes a frame of exactly CABLE_MAX_FRAME_BYTES once welcomed', async () => {
    const { cable: c } = await serve({ CABLE_MAX_FRAME_BYTES: '65536' });
    const client = await welcomed(c);
    client.send({ command: 'subscribe', identifier: chat('big') });
    await client.next(isType('confirm_subscription'));
    const frame = JSON.stringify({ command: 'message', identifier: chat('big'), data: JSON.stringify({ action: 'echo', pad: '' }) });
    const pad = 'x'.repeat(65536 - Buffer.byteLength(frame));
    client.send(JSON.stringify({ command: 'message', identifier: chat('big'), data: JSON.stringify({ action: 'echo', pad }) }));
    expect(((await client.next()).message as { echo: { pad: string } }).echo.pad).toHaveLength(pad.length);
    client.close();
  });

  it('accepts only small frames until the welcome (CABLE_MAX_PREAUTH_FRAME_BYTES), then full-size ones', async () => {
    const { cable: c } = await serve({ CABLE_MAX_PREAUTH_FRAME_BYTES: '1024' });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const find = c.store.findUser.bind(c.store);
    c.store.findUser = async (id) => (await gate, find(id));
    const token = c.userToken('slow');
    const small = await openRaw(c.urlFor(token));
    small.send({ command: 'subscribe', identifier: chat('early') }); // queued until the welcome, as Rails buffers
    const big = await openRaw(c.urlFor(token));
    big.ws.on('error', () => undefined);
    big.send({ command: 'subscribe', identifier: JSON.stringify({ channel: 'ChatChannel', room: 'r', pad: 'x'.repeat(2000) }) });
    expect((await big.closed).code).toBe(1009);
    release();
    await small.next(isType('welcome'));
    expect((await small.next()).type).toBe('confirm_subscription');
    small.send({ command: 'message', identifier: chat('early'), data: JSON.stringify({ action: 'echo', pad: 'y'.repeat(5000) }) });
    expect(((await small.next()).message as { echo: { pad: string } }).echo.pad).toHaveLength(5000);
    small.close();
  });
});

describe('deadlines', () => {
  it('closes an authenticated socket whose frame stalls for CABLE_FRAME_TIMEOUT_MS; other sockets carry on', async () => {
    const { cable: c, lines } = await serve({ CABLE_FRAME_TIMEOUT_MS: '300' });
    const bystander = await welcomed(c, 'user-2');
    const client = await welcomed(c);
    const started = Date.now();
    writeRaw(client, Buffer.concat([frameHeader(1000), Buffer.alloc(10, 0x20)]));
    expect((await client.closed).code).toBe(1008);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(codesOf(lines)).toContain('CABLE_FRAME_TIMEOUT');
    bystander.send({ command: 'subscribe', identifier: chat('calm') });
    expect((await bystander.next()).type).toBe('confirm_subscription');
    bystander.close();
  });

  it('keeps a socket that completes frames back to back across many deadline periods', async () => {
    const { cable: c } = await serve({ CABLE_FRAME_TIMEOUT_MS: '200' });
    const client = await welcomed(c);
    client.send({ command: 'subscribe', identifier: chat('steady') });
    await client.next(isType('confirm_subscription'));
    const tick = textFrame(JSON.stringify({ command: 'message', identifier: chat('steady'), data: JSON.stringify({ action: 'tick' }) }));
    // Each frame arrives in two halves 50 ms apart: always something in progress, never one frame for long.
    for (let i = 0; i < 16; i += 1) {
      writeRaw(client, tick.subarray(0, 10));
      await sleep(50);
      writeRaw(client, tick.subarray(10));
    }
    await waitFor(() => client.frames.filter((f) => (f.message as { count?: number } | undefined)?.count === 16).length === 1, 3000, 'sixteen ticks');
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it('destroys an unauthenticated socket that stalls mid-frame and ignores the close within seconds', async () => {
    const { cable: c } = await serve({});
    const raw = await rawUpgrade(c.port, '/cable');
    expect(raw.status).toBe(101);
    raw.socket.write(Buffer.concat([frameHeader(3000), Buffer.alloc(100, 0x20)]));
    expect(await raw.closed).toBeLessThan(4000);
  });

  it('closes TCP connections that send nothing or an unfinished request within CABLE_HANDSHAKE_TIMEOUT_MS', async () => {
    // 1 s, not less: a busy test machine can stall the loop between a legit client's accept and its upgrade.
    const { cable: c, lines } = await serve({ CABLE_HANDSHAKE_TIMEOUT_MS: '1000' });
    const started = Date.now();
    const silent = await connectTcp(c.port);
    const partial = await connectTcp(c.port);
    partial.write('GET /cable HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    await Promise.all([whenClosed(silent), whenClosed(partial)]);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(codesOf(lines)).toContain('CABLE_HANDSHAKE_TIMEOUT');
    // A complete request is not affected, nor is a socket upgraded in time.
    expect((await fetch(`${c.httpUrl}/health`)).status).toBe(200);
    const client = await welcomed(c);
    await sleep(1500);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it('closes a socket whose authentication does not finish within CABLE_AUTH_TIMEOUT_MS, telling it to retry', async () => {
    const { cable: c, lines } = await serve({ CABLE_AUTH_TIMEOUT_MS: '300' });
    const token = c.userToken('stuck');
    c.store.findUser = () => new Promise(() => undefined);
    const client = await openRaw(c.urlFor(token));
    expect(await client.next()).toEqual({ type: 'disconnect', reason: null, reconnect: true });
    expect((await client.closed).code).toBe(1011);
    expect(codesOf(lines)).toContain('CABLE_AUTH_TIMEOUT');
  });
});

describe('per client address', () => {
  it('refuses upgrades above CABLE_MAX_CONNECTIONS_PER_IP with 429 until one closes', async () => {
    const { cable: c, lines } = await serve({ CABLE_MAX_CONNECTIONS_PER_IP: '2' });
    const [a, b] = [await welcomed(c), await welcomed(c, 'user-2')];
    await expect(openRaw(c.urlFor(c.userToken('user-3')))).rejects.toMatchObject({ status: 429 });
    expect(codesOf(lines)).toContain('CABLE_UPGRADE_THROTTLED');
    a.close();
    await a.closed;
    await waitFor(async () => (await openRaw(c.urlFor(c.userToken('user-3'))).then((x) => (x.close(), true), () => false)), 2000, 'a free slot');
    b.close();
  });

  it('throttles upgrade attempts per address with a token bucket (429 + Retry-After)', async () => {
    const { cable: c } = await serve({ CABLE_UPGRADE_RATE_PER_IP: '2', CABLE_UPGRADE_BURST_PER_IP: '2' });
    const ok = [await rawUpgrade(c.port, '/cable'), await rawUpgrade(c.port, '/cable')];
    expect(ok.map((r) => r.status)).toEqual([101, 101]);
    const refused = await rawUpgrade(c.port, '/cable');
    expect(refused.status).toBe(429);
    expect(refused.head).toMatch(/\r\nRetry-After: 1\r\n/);
    await sleep(600);
    const later = await rawUpgrade(c.port, '/cable');
    expect(later.status).toBe(101);
    for (const r of [...ok, refused, later]) r.socket.destroy();
  });

  it('takes the client address from X-Forwarded-For only when the peer is a trusted proxy', async () => {
    const { cable: trusted } = await serve({ CABLE_MAX_CONNECTIONS_PER_IP: '1', CABLE_TRUSTED_PROXIES: '127.0.0.1,10.0.0.0/8' });
    const opened: RawUpgrade[] = [];
    const status = async (pending: Promise<RawUpgrade>) => {
      const r = await pending;
      opened.push(r);
      return r.status;
    };
    const viaProxy = (ip: string) => status(rawUpgrade(trusted.port, '/cable', { 'X-Forwarded-For': `${ip}, 10.1.2.3` }));
    expect([await viaProxy('203.0.113.1'), await viaProxy('203.0.113.2'), await viaProxy('203.0.113.1')]).toEqual([101, 101, 429]);
    opened.splice(0).forEach((r) => r.socket.destroy());
    await trusted.stop();
    const { cable: direct } = await serve({ CABLE_MAX_CONNECTIONS_PER_IP: '1' });
    const spoofed = (ip: string) => status(rawUpgrade(direct.port, '/cable', { 'X-Forwarded-For': ip }));
    expect([await spoofed('203.0.113.1'), await spoofed('203.0.113.2')]).toEqual([101, 429]);
    opened.forEach((r) => r.socket.destroy());
  });
});

describe('per user', () => {
  it('closes sockets beyond CABLE_MAX_CONNECTIONS_PER_USER with too_many_connections (final, 1000); others are unaffected', async () => {
    const { cable: c, lines } = await serve({ CABLE_MAX_CONNECTIONS_PER_USER: '2' });
    const [a, b] = [await welcomed(c), await welcomed(c)];
    const third = await openRaw(c.urlFor(c.userToken('user-1')));
    expect(await third.next()).toEqual({ type: 'disconnect', reason: 'too_many_connections', reconnect: false });
    expect((await third.closed).code).toBe(1000);
    expect(codesOf(lines)).toContain('CABLE_TOO_MANY_CONNECTIONS');
    const other = await welcomed(c, 'user-2');
    a.close();
    await a.closed;
    await waitFor(async () => {
      const again = await openRaw(c.urlFor(c.userToken('user-1')));
      const first = await again.next();
      again.close();
      return first.type === 'welcome';
    }, 3000, 'a free per-user slot');
    b.close();
    other.close();
  });
});

describe('streams per connection', () => {
  it('rejects a subscription that would pass CABLE_MAX_STREAMS and accepts it once streams are freed', async () => {
    const { cable: c, lines } = await serve({ CABLE_MAX_STREAMS: '3' });
    const client = await welcomed(c);
    client.send({ command: 'subscribe', identifier: chat('one') }); // ChatChannel holds two streams
    expect(await client.next()).toEqual({ identifier: chat('one'), type: 'confirm_subscription' });
    client.send({ command: 'subscribe', identifier: chat('two') });
    expect(await client.next()).toEqual({ identifier: chat('two'), type: 'reject_subscription' });
    expect(codesOf(lines)).toContain('CABLE_TOO_MANY_STREAMS');
    expect(codesOf(lines)).not.toContain('CABLE_CHANNEL_ERROR');
    client.send({ command: 'unsubscribe', identifier: chat('one') });
    client.send({ command: 'subscribe', identifier: chat('two') });
    expect(await client.next()).toEqual({ identifier: chat('two'), type: 'confirm_subscription' });
    await c.cable.broadcast('chat_two', 'hi');
    expect((await client.next()).message).toBe('hi');
    client.close();
  });
});

describe('command rate', () => {
  it('drops commands above CABLE_COMMAND_RATE (logged once) and closes a sustained flood with rate_limited', async () => {
    const { cable: c, lines } = await serve({ CABLE_COMMAND_RATE: '5', CABLE_COMMAND_BURST: '5' });
    const client = await welcomed(c);
    client.send({ command: 'subscribe', identifier: chat('r') });
    await client.next(isType('confirm_subscription'));
    const tick = JSON.stringify({ command: 'message', identifier: chat('r'), data: JSON.stringify({ action: 'tick' }) });
    for (let i = 0; i < 8; i += 1) client.send(tick);
    await sleep(200);
    const answered = client.frames.filter((f) => f.message !== undefined).length;
    expect(answered).toBeGreaterThanOrEqual(4);
    expect(answered).toBeLessThan(8);
    expect(codesOf(lines).filter((x) => x === 'CABLE_RATE_LIMITED')).toHaveLength(1);
    for (let i = 0; i < 20; i += 1) client.send(tick);
    expect(await client.next(isType('disconnect'))).toEqual({ type: 'disconnect', reason: 'rate_limited', reconnect: false });
    expect((await client.closed).code).toBe(1000);
  });
});
