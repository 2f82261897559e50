// Wire conformance through a real server on port 0 and a raw `ws` client (protocol.md §7 items 1–22).

import http from 'node:http';
import { loadConfig } from '../../config';
import { capturingLogger } from '../support/logger';
import { sleep, waitFor } from '../support/wait';
import { openRaw, type RawClient } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';
import { RejectChannel } from '../support/test-channels';

let cable: TestCable;
beforeAll(async () => {
  cable = await startTestCable({ CABLE_PING_INTERVAL_MS: '300' });
});
afterAll(async () => {
  await cable.stop();
});

const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });
const isType = (t: string) => (f: Record<string, unknown>) => f.type === t;

async function connected(opts: { protocols?: string[] } = {}): Promise<RawClient> {
  const c = await openRaw(cable.urlFor(cable.userToken()), opts);
  await c.next(isType('welcome'));
  return c;
}

async function subscribed(c: RawClient, identifier: string): Promise<void> {
  c.send({ command: 'subscribe', identifier });
  const f = await c.next((x) => x.identifier === identifier && typeof x.type === 'string');
  expect(f.type).toBe('confirm_subscription');
}

function get(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(`${cable.httpUrl}${path}`, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('handshake', () => {
  it('echoes actioncable-v1-json when offered with actioncable-unsupported', async () => {
    const c = await openRaw(cable.urlFor(cable.userToken()), { protocols: ['actioncable-v1-json', 'actioncable-unsupported'] });
    expect(c.ws.protocol).toBe('actioncable-v1-json');
    expect(await c.next()).toEqual({ type: 'welcome' });
    c.close();
  });

  it('accepts a client that offers no sub-protocol (Powernode WebSocketManager, Ruby worker)', async () => {
    const c = await openRaw(cable.urlFor(cable.userToken()));
    expect(c.ws.protocol).toBe('');
    expect(await c.next()).toEqual({ type: 'welcome' });
    c.close();
  });

  it('selects actioncable-unsupported when it is the only protocol offered, as Rails does', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${cable.httpUrl}/cable?token=${encodeURIComponent(cable.userToken())}`, {
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'actioncable-unsupported' },
      });
      req.on('upgrade', (r, socket) => {
        socket.destroy();
        resolve(r);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(101);
    expect(res.headers['sec-websocket-protocol']).toBe('actioncable-unsupported');
  });

  it('answers a plain GET /cable with 404', async () => {
    expect(await get('/cable')).toBe(404);
  });

  it('refuses a disallowed Origin with 403 before the upgrade', async () => {
    await expect(openRaw(cable.urlFor(cable.userToken()), { headers: { Origin: 'https://evil.example' } })).rejects.toMatchObject({ status: 403 });
  });

  it('allows localhost origins and same-origin requests', async () => {
    const a = await openRaw(cable.urlFor(cable.userToken()), { headers: { Origin: 'http://localhost:5173' } });
    const b = await openRaw(cable.urlFor(cable.userToken()), { headers: { Origin: `http://127.0.0.1:${cable.port}` } });
    a.close();
    b.close();
  });

  it('accepts the token from an Authorization: Bearer header', async () => {
    const c = await openRaw(cable.url, { headers: { Authorization: `Bearer ${cable.userToken()}` } });
    expect(await c.next()).toEqual({ type: 'welcome' });
    c.close();
  });
});

describe('authentication', () => {
  it('sends exactly the unauthorized disconnect frame, no welcome, then closes', async () => {
    const c = await openRaw(`${cable.url}?token=not-a-valid.jwt.token`);
    expect(await c.next(() => true)).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
    expect((await c.closed).code).toBe(1000);
    expect(c.frames).toHaveLength(1);
  });

  it('rejects a missing token', async () => {
    const c = await openRaw(cable.url);
    expect(await c.next(() => true)).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
  });

  it('processes frames sent before the welcome after it, in order', async () => {
    const c = await openRaw(cable.urlFor(cable.userToken()));
    c.send({ command: 'subscribe', identifier: chat('early') });
    expect((await c.next()).type).toBe('welcome');
    expect((await c.next()).type).toBe('confirm_subscription');
    c.close();
  });
});

describe('pings', () => {
  it('sends integer, non-decreasing pings after the welcome', async () => {
    const c = await connected();
    const a = await c.next(isType('ping'));
    const b = await c.next(isType('ping'));
    expect(Number.isInteger(a.message)).toBe(true);
    expect(b.message as number).toBeGreaterThanOrEqual(a.message as number);
    c.close();
  });
});

describe('subscriptions', () => {
  it('confirms with the identifier echoed byte-for-byte, in both key orders', async () => {
    const c = await connected();
    const a = '{"channel":"ChatChannel","room":"k1"}';
    const b = '{"room":"k1","channel":"ChatChannel"}';
    await subscribed(c, a);
    await subscribed(c, b);
    c.close();
  });

  it('sends transmissions from subscribed before the confirmation', async () => {
    const c = await connected();
    const id = JSON.stringify({ channel: 'TransmitChannel' });
    c.send({ command: 'subscribe', identifier: id });
    expect(await c.next()).toEqual({ identifier: id, message: 'hello' });
    expect(await c.next()).toEqual({ identifier: id, message: 'world' });
    expect(await c.next()).toEqual({ identifier: id, type: 'confirm_subscription' });
    c.close();
  });

  it('rejects, runs unsubscribed and never confirms later', async () => {
    const before = RejectChannel.unsubscribedCount;
    const c = await connected();
    const id = JSON.stringify({ channel: 'RejectChannel' });
    c.send({ command: 'subscribe', identifier: id });
    expect(await c.next()).toEqual({ identifier: id, type: 'reject_subscription' });
    expect(RejectChannel.unsubscribedCount).toBe(before + 1);
    await cable.cable.broadcast('reject_stream', { x: 1 });
    await c.none((f) => f.identifier === id, 300);
    c.close();
  });

  it('turns an exception in subscribed into reject_subscription', async () => {
    const c = await connected();
    const id = JSON.stringify({ channel: 'FailingChannel' });
    c.send({ command: 'subscribe', identifier: id });
    expect(await c.next()).toEqual({ identifier: id, type: 'reject_subscription' });
    c.close();
  });

  it('rejects invalid params and unknown channels', async () => {
    const c = await connected();
    for (const id of [JSON.stringify({ channel: 'ChatChannel', room: 'bad room!' }), JSON.stringify({ channel: 'NoSuchChannel' }), '{not json']) {
      c.send({ command: 'subscribe', identifier: id });
      expect(await c.next()).toEqual({ identifier: id, type: 'reject_subscription' });
    }
    c.close();
  });

  it('confirms exactly once when subscribe is repeated (the Rails guarantor resends every 500 ms)', async () => {
    const c = await connected();
    const id = chat('dup');
    for (let i = 0; i < 3; i += 1) c.send({ command: 'subscribe', identifier: id });
    await c.next(isType('confirm_subscription'));
    await c.none((f) => f.identifier === id, 300);
    c.close();
  });

  it('delivers a broadcast published right after the confirmation', async () => {
    const c = await connected();
    await subscribed(c, chat('fast'));
    await cable.cable.broadcast('chat_fast', { text: 'hi' });
    expect(await c.next()).toEqual({ identifier: chat('fast'), message: { text: 'hi' } });
    c.close();
  });

  it('keeps object, plain string and JSON-string broadcasts as sent', async () => {
    const c = await connected();
    await subscribed(c, chat('types'));
    const values = [{ nested: { a: [1, 2] } }, "<script>alert('Message!');</script>", '{"script":{"alert":"Message!"}}'];
    for (const v of values) await cable.cable.broadcast('chat_types', v);
    for (const v of values) expect((await c.next()).message).toEqual(v);
    c.close();
  });

  it('delivers a burst of broadcasts (written as runs, several frames per socket write) to every subscriber, each frame once and in order', async () => {
    const [c1, c2] = [await connected(), await connected()];
    await subscribed(c1, chat('burst'));
    await subscribed(c2, chat('burst'));
    await Promise.all(Array.from({ length: 50 }, (_, n) => cable.cable.broadcast('chat_burst', { n })));
    for (const c of [c1, c2]) {
      for (let n = 0; n < 50; n += 1) expect(await c.next()).toEqual({ identifier: chat('burst'), message: { n } });
      c.close();
    }
  });

  it('sends one frame per identifier when one connection holds two subscriptions of a stream', async () => {
    const c = await connected();
    const a = '{"channel":"ChatChannel","room":"two"}';
    const b = '{"room":"two","channel":"ChatChannel"}';
    await subscribed(c, a);
    await subscribed(c, b);
    await cable.cable.broadcast('chat_two', 'x');
    const got = [await c.next(), await c.next()].map((f) => f.identifier).sort();
    expect(got).toEqual([a, b].sort());
    c.close();
  });

  it('stops delivery after unsubscribe without an acknowledgement; other clients still receive', async () => {
    const c1 = await connected();
    const c2 = await connected();
    await subscribed(c1, chat('unsub'));
    await subscribed(c2, chat('unsub'));
    c1.send({ command: 'unsubscribe', identifier: chat('unsub') });
    await c1.none((f) => f.type !== 'ping', 200);
    await cable.cable.broadcast('chat_unsub', 'after');
    expect((await c2.next()).message).toBe('after');
    await c1.none((f) => f.identifier === chat('unsub'), 300);
    c1.close();
    c2.close();
  });

  it('confirms an unsubscribe immediately followed by a subscribe of the same identifier', async () => {
    const c = await connected();
    await subscribed(c, chat('again'));
    c.send({ command: 'unsubscribe', identifier: chat('again') });
    c.send({ command: 'subscribe', identifier: chat('again') });
    expect(await c.next()).toEqual({ identifier: chat('again'), type: 'confirm_subscription' });
    c.close();
  });
});

describe('actions', () => {
  it('passes data including the action key; falls back to receive without an action', async () => {
    const c = await connected();
    const id = chat('act');
    await subscribed(c, id);
    c.send({ command: 'message', identifier: id, data: JSON.stringify({ x: 1, action: 'echo' }) });
    expect((await c.next()).message).toEqual({ echo: { x: 1, action: 'echo' } });
    c.send({ command: 'message', identifier: id, data: JSON.stringify({ y: 2 }) });
    expect((await c.next()).message).toEqual({ received: { y: 2 } });
    c.close();
  });

  it('ignores unknown actions and lifecycle hook names, and keeps working', async () => {
    const c = await connected();
    const id = chat('hooks');
    await subscribed(c, id);
    for (const action of ['subscribed', 'unsubscribed', 'nope', 'constructor', '__proto__', 'transmit']) {
      c.send({ command: 'message', identifier: id, data: JSON.stringify({ action }) });
    }
    await c.none((f) => f.identifier === id, 300);
    c.send({ command: 'message', identifier: id, data: JSON.stringify({ action: 'tick' }) });
    expect((await c.next()).message).toEqual({ count: 1, room: 'hooks' });
    c.close();
  });

  it('keeps channel state between commands', async () => {
    const c = await connected();
    const id = chat('state');
    await subscribed(c, id);
    for (let i = 0; i < 3; i += 1) c.send({ command: 'message', identifier: id, data: JSON.stringify({ action: 'tick' }) });
    await c.next();
    await c.next();
    expect((await c.next()).message).toEqual({ count: 3, room: 'state' });
    c.close();
  });

  it('does not run an action whose data fails its schema', async () => {
    const c = await connected();
    const id = chat('schema');
    await subscribed(c, id);
    c.send({ command: 'message', identifier: id, data: JSON.stringify({ action: 'speak', body: 42 }) });
    await c.none((f) => f.identifier === id, 300);
    c.close();
  });

  it('stops only the stream named by stopStreamFrom', async () => {
    const c = await connected();
    const id = chat('stop');
    await subscribed(c, id);
    c.send({ command: 'message', identifier: id, data: JSON.stringify({ action: 'unfollow' }) });
    await new Promise((r) => setTimeout(r, 100));
    await cable.cable.broadcast('extra_stop', 'a');
    await cable.cable.broadcast('chat_stop', 'b');
    expect((await c.next()).message).toBe('b');
    c.close();
  });

  it('runs periodic timers while subscribed and stops them on unsubscribe', async () => {
    const c = await connected();
    const id = JSON.stringify({ channel: 'TimerChannel' });
    await subscribed(c, id);
    await c.next((f) => f.identifier === id);
    c.send({ command: 'unsubscribe', identifier: id });
    await new Promise((r) => setTimeout(r, 100));
    await c.none((f) => f.identifier === id, 300);
    c.close();
  });
});

describe('bad input', () => {
  let logged: TestCable;
  let log: ReturnType<typeof capturingLogger>;
  beforeAll(async () => {
    log = capturingLogger();
    logged = await startTestCable({ CABLE_MAX_FRAME_BYTES: '2048' }, { logger: log.logger });
  });
  afterAll(async () => {
    await logged.stop();
  });

  /** Warn-or-worse lines logged since index `from`, as [level, code]. */
  const problemsSince = (from: number) =>
    (log.lines.slice(from) as Array<Record<string, unknown>>).filter((l) => l.level === 'warn' || l.level === 'error').map((l) => [l.level, l.code]);

  async function loggedClient(): Promise<RawClient> {
    const c = await openRaw(logged.urlFor(logged.userToken()));
    await c.next(isType('welcome'));
    c.ws.on('error', () => undefined);
    return c;
  }

  it('never answers bad frames, logs each once at warn with its reason code and keeps the connection working', async () => {
    const c = await loggedClient();
    const id = chat('bad');
    const msg = (data: unknown, identifier = id) => JSON.stringify({ command: 'message', identifier, data });
    const bad: Array<[string | Buffer, string | null]> = [
      ['{not json', 'CABLE_MALFORMED_COMMAND'],
      ['[]', 'CABLE_MALFORMED_COMMAND'],
      ['42', 'CABLE_MALFORMED_COMMAND'],
      [JSON.stringify({ command: 'explode', identifier: id }), 'CABLE_UNKNOWN_COMMAND'],
      [JSON.stringify({ identifier: id }), 'CABLE_MALFORMED_COMMAND'],
      [msg('{}', chat('unknown')), 'CABLE_UNKNOWN_SUBSCRIPTION'],
      [JSON.stringify({ command: 'unsubscribe', identifier: chat('unknown') }), 'CABLE_UNKNOWN_SUBSCRIPTION'],
      [msg({ action: 'echo' }), 'CABLE_MALFORMED_COMMAND'],
      [msg('not json'), 'CABLE_MALFORMED_COMMAND'],
      [msg('[1]'), 'CABLE_MALFORMED_COMMAND'],
      [msg(JSON.stringify({ action: 'nope' })), 'CABLE_UNKNOWN_ACTION'],
      [msg(JSON.stringify({ action: 'speak', body: 42 })), 'CABLE_PARAMS_INVALID'],
      [JSON.stringify({ command: 'subscribe' }), 'CABLE_MALFORMED_COMMAND'],
      ['['.repeat(70) + ']'.repeat(70), 'CABLE_JSON_TOO_DEEP'],
      ['['.repeat(1500), 'CABLE_JSON_TOO_DEEP'],
      [msg('{"action":"echo","deep":' + '['.repeat(70) + ']'.repeat(70) + '}'), 'CABLE_JSON_TOO_DEEP'],
      [Buffer.from([1, 2, 3]), 'CABLE_BINARY_FRAME'],
      [JSON.stringify({ type: 'ping' }), null],
    ];
    await subscribed(c, id);
    let ticks = 0;
    for (const [frame, code] of bad) {
      const from = log.lines.length;
      if (Buffer.isBuffer(frame)) c.ws.send(frame, { binary: true });
      else c.send(frame);
      // Commands run in order: once the tick is answered, the bad frame has been handled; nothing came before it.
      c.send(msg(JSON.stringify({ action: 'tick' })));
      ticks += 1;
      expect(await c.next()).toEqual({ identifier: id, message: { count: ticks, room: 'bad' } });
      expect([String(frame).slice(0, 60), problemsSince(from)]).toEqual([String(frame).slice(0, 60), code ? [['warn', code]] : []]);
    }
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.close();
  });

  it('closes a frame above CABLE_MAX_FRAME_BYTES with 1009 (websocket-driver max_length), logged once; other sockets carry on', async () => {
    const bystander = await loggedClient();
    await subscribed(bystander, chat('calm'));
    const c = await loggedClient();
    const from = log.lines.length;
    c.ws.send('x'.repeat(2048 + 1));
    expect((await c.closed).code).toBe(1009);
    await waitFor(() => problemsSince(from).length > 0, 3000, 'the hard-cap log line');
    await sleep(100);
    expect(problemsSince(from)).toEqual([['warn', 'CABLE_MESSAGE_TOO_BIG']]);
    expect(c.frames.filter((f) => f.type !== 'ping')).toEqual([{ type: 'welcome' }]);
    await logged.cable.broadcast('chat_calm', 'still here');
    expect((await bystander.next()).message).toBe('still here');
    bystander.close();
  });

  it('closes a text frame that is not UTF-8 with 1007, logged once with CABLE_SOCKET_ERROR', async () => {
    const c = await loggedClient();
    const from = log.lines.length;
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await c.closed).code).toBe(1007);
    await waitFor(() => problemsSince(from).length > 0, 3000, 'the socket error log line');
    expect(problemsSince(from)).toEqual([['warn', 'CABLE_SOCKET_ERROR']]);
  });
});

describe('slow consumers', () => {
  it('disconnects a client that stops reading with too_slow and keeps serving the others', async () => {
    const log = capturingLogger();
    const slowCable = await startTestCable({ CABLE_MAX_BUFFERED_BYTES: '65536' }, { logger: log.logger });
    try {
      const open = async () => {
        const c = await openRaw(slowCable.urlFor(slowCable.userToken()));
        await c.next(isType('welcome'));
        await subscribed(c, chat('flood'));
        return c;
      };
      const fast = await open();
      const slow = await open();
      const raw = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause(); // stops reading: the kernel buffers fill, then the server's send buffer grows
      const slowLogged = () => (log.lines as Array<Record<string, unknown>>).some((l) => l.code === 'CABLE_SLOW_CONSUMER');
      const payload = 'x'.repeat(64 * 1024);
      let sent = 0;
      while (!slowLogged() && sent < 2000) {
        await slowCable.cable.broadcast('chat_flood', { n: sent, payload });
        sent += 1;
        if (sent % 8 === 0) await sleep(2);
      }
      expect(slowLogged()).toBe(true);
      expect((log.lines as Array<Record<string, unknown>>).find((l) => l.code === 'CABLE_SLOW_CONSUMER')).toMatchObject({ level: 'warn' });
      // The reading client got every broadcast and still gets new ones.
      await slowCable.cable.broadcast('chat_flood', 'after');
      expect((await fast.next((f) => f.message === 'after', 10_000)).message).toBe('after');
      expect(fast.frames.filter((f) => typeof f.message === 'object').length).toBe(sent);
      // Once it reads again, the slow client finds the too_slow disconnect after what was buffered, and a close.
      raw.resume();
      expect((await slow.closed).code).toBe(4000);
      const last = slow.frames[slow.frames.length - 1];
      expect(last).toEqual({ type: 'disconnect', reason: 'too_slow', reconnect: true });
      expect(slow.frames.some((f) => f.message === 'after')).toBe(false);
      await waitFor(() => slowCable.cable.connectionCount === 1, 3000, 'the slow socket to be gone');
      const late = await open();
      late.close();
      fast.close();
    } finally {
      await slowCable.stop();
    }
  }, 30_000);
});

describe('disconnects', () => {
  it('runs unsubscribed of every subscription when a client closes', async () => {
    const watcher = await connected();
    await subscribed(watcher, JSON.stringify({ channel: 'PresenceChannel', id: 'a' }));
    await subscribed(watcher, JSON.stringify({ channel: 'PresenceChannel', id: 'b' }));
    const leaver = await connected();
    await subscribed(leaver, JSON.stringify({ channel: 'PresenceChannel', id: 'a' }));
    await subscribed(leaver, JSON.stringify({ channel: 'PresenceChannel', id: 'b' }));
    leaver.close();
    const got = [await watcher.next(), await watcher.next()].map((f) => (f.message as { id: string }).id).sort();
    expect(got).toEqual(['a', 'b']);
    watcher.close();
  });

  it('refuses a worker identity on a user channel', async () => {
    const c = await openRaw(cable.urlFor(cable.workerToken()));
    await c.next();
    const id = JSON.stringify({ channel: 'UserOnlyChannel' });
    c.send({ command: 'subscribe', identifier: id });
    expect(await c.next()).toEqual({ identifier: id, type: 'reject_subscription' });
    c.close();
  });

  it('disconnects remotely through action_cable/<gid> with the Rails frame', async () => {
    const token = cable.userToken('remote-user');
    const c = await openRaw(cable.urlFor(token));
    await c.next();
    const res = await fetch(`${cable.httpUrl}/_disconnect`, { method: 'POST', body: JSON.stringify({ user_id: 'remote-user', reconnect: false }) });
    expect(res.status).toBe(202);
    expect(await c.next()).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
    expect((await c.closed).code).toBe(1000);
  });

});

describe('http endpoints', () => {
  it('reports health', async () => {
    const res = await fetch(`${cable.httpUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.status).toBe('ok');
    expect(typeof body.connections).toBe('number');
  });

  it('broadcasts AnyCable publications, single and batched', async () => {
    const c = await connected();
    await subscribed(c, chat('http'));
    let res = await fetch(`${cable.httpUrl}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream: 'chat_http', data: '{"n":1}' }) });
    expect(res.status).toBe(201);
    res = await fetch(`${cable.httpUrl}/_broadcast`, { method: 'POST', body: JSON.stringify([{ stream: 'chat_http', data: '{"n":2}' }, { stream: 'chat_http', data: 'plain' }]) });
    expect(res.status).toBe(201);
    expect((await c.next()).message).toEqual({ n: 1 });
    expect((await c.next()).message).toEqual({ n: 2 });
    expect((await c.next()).message).toBe('plain');
    c.close();
  });

  it('answers 422 for bad publication bodies and applies nothing', async () => {
    const c = await connected();
    await subscribed(c, chat('http422'));
    for (const body of ['nope', '{}', JSON.stringify([{ stream: 'chat_http422', data: '1' }, { stream: '', data: '2' }]), JSON.stringify({ stream: 'x', data: { a: 1 } })]) {
      const res = await fetch(`${cable.httpUrl}/_broadcast`, { method: 'POST', body });
      expect(res.status).toBe(422);
    }
    await c.none((f) => f.identifier === chat('http422'), 300);
    c.close();
  });

  it('requires the broadcast key when one is configured', async () => {
    const keyed = await startTestCable({ BROADCAST_KEY: 'sekret-key-123' });
    const body = JSON.stringify({ stream: 's', data: '1' });
    expect((await fetch(`${keyed.httpUrl}/_broadcast`, { method: 'POST', body })).status).toBe(401);
    expect((await fetch(`${keyed.httpUrl}/_broadcast`, { method: 'POST', body, headers: { Authorization: 'Bearer wrong-key-000' } })).status).toBe(401);
    expect((await fetch(`${keyed.httpUrl}/_broadcast`, { method: 'POST', body, headers: { Authorization: 'Bearer sekret-key-123' } })).status).toBe(201);
    await keyed.stop();
  });
});

describe('BenchmarkChannel', () => {
  it('is registered only with CABLE_BENCHMARK_CHANNEL=1 (off by default): otherwise subscribe is rejected', async () => {
    expect(loadConfig({ NODE_ENV: 'test' }).cable.benchmarkChannel).toBe(false);
    const id = JSON.stringify({ channel: 'BenchmarkChannel' });
    for (const [flag, outcome] of [['0', 'reject_subscription'], ['1', 'confirm_subscription']] as const) {
      const server = await startTestCable({ CABLE_BENCHMARK_CHANNEL: flag });
      try {
        const c = await openRaw(server.urlFor(server.userToken()));
        await c.next(isType('welcome'));
        c.send({ command: 'subscribe', identifier: id });
        expect([flag, await c.next()]).toEqual([flag, { identifier: id, type: outcome }]);
        c.close();
      } finally {
        await server.stop();
      }
    }
  });
});

describe('shutdown', () => {
  it('sends server_restart with reconnect true to every socket', async () => {
    const other = await startTestCable();
    const c = await openRaw(other.urlFor(other.userToken()));
    await c.next();
    await other.stop();
    expect(await c.next()).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
    expect((await c.closed).code).toBe(1001);
  });
});
