// `npm run conformance:rails` (= `npx tsx scripts/compare-rails.ts`): side-by-side wire comparison of our server
// with a real Rails ActionCable 6.1 peer (/work/shared/peers/actioncable-rails, started separately with ./start.sh).
//
// The SAME scripted raw-`ws` sessions run against (a) the Rails peer and (b) our server, started here as a child
// process (`npx tsx src/main.ts`) on a free port with a throw-away SQLite database, CABLE_BENCHMARK_CHANNEL=1.
// Every received frame is recorded as exact text (key order and escaping included), plus close codes, negotiated
// sub-protocols, handshake headers and HTTP statuses. Ping timestamps are normalised to <int> before comparing
// (they are shown verbatim). Each session ends in one verdict: identical / intended difference / UNEXPECTED.
//
// Options:  --peer ws://127.0.0.1:28080/cable   (or PEER_URL)   the Rails peer
//           --only <name>[,<name>]                              run only these sessions
//           --json <file>                                       also write every transcript as JSON
//           --no-fail                                           exit 0 even with UNEXPECTED differences
// When the peer runs with the redis adapter (`CABLE_ADAPTER=redis ./start.sh`), our server is started with
// PUBSUB_ADAPTER=redis on the same Redis (REDIS_URL, default redis://127.0.0.1:26379/1; channel prefix
// compare_ours) and the extra `raw-publish` session PUBLISHes raw payloads straight into Redis on both sides.
// Exit code: 1 when any session shows an UNEXPECTED difference (unless --no-fail), 2 on setup failure.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

// ------------------------------------------------------------------------------------------------ options

const argv = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const PEER_URL = opt('peer') ?? process.env.PEER_URL ?? 'ws://127.0.0.1:28080/cable';
const ONLY = opt('only')?.split(',').map((s) => s.trim()).filter(Boolean);
const JSON_OUT = opt('json');
const NO_FAIL = argv.includes('--no-fail');
const ROOT = path.resolve(__dirname, '..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:26379/1';
const PEER_PREFIX = process.env.CABLE_CHANNEL_PREFIX ?? 'peer_ac';
const OURS_PREFIX = 'compare_ours';

// ------------------------------------------------------------------------------------------------ targets

interface Target {
  name: 'rails' | 'ours';
  /** ws://host:port/cable */
  cableUrl: string;
  /** http://host:port */
  httpBase: string;
  validToken: string;
  /** A token the target refuses (`bad` for the peer, garbage for ours). */
  invalidToken: string;
  /** Redis channel of the benchmark stream, when the target runs on Redis. */
  redisBenchChannel?: string;
}

function httpBaseOf(wsUrl: string): string {
  const u = new URL(wsUrl);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

function urlWithToken(t: Target, token: string | null): string {
  return token === null ? t.cableUrl : `${t.cableUrl}?token=${encodeURIComponent(token)}`;
}

// ------------------------------------------------------------------------------------------------ transcript

type Entry =
  | { kind: 'send'; label: string; text: string; binary?: boolean }
  | { kind: 'recv'; text: string; binary?: boolean }
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'info'; key: string; value: string }
  /** A per-target measurement: shown for both sides, never counted as a difference. */
  | { kind: 'stat'; key: string; value: string };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A recorded raw `ws` client. Pings are dropped unless keepPings (they arrive at arbitrary points). */
class Client {
  readonly entries: Entry[] = [];
  private readonly waiters: Array<() => void> = [];
  private lastFrameAt = Date.now();
  private closedFlag = false;
  pings = 0;

  private constructor(readonly ws: WebSocket, private readonly keepPings: boolean) {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      this.lastFrameAt = Date.now();
      if (!this.keepPings && !isBinary && /^\{"type":"ping","message":\d+\}$/.test(text)) {
        this.pings += 1;
      } else {
        this.entries.push(isBinary ? { kind: 'recv', text, binary: true } : { kind: 'recv', text });
      }
      this.wake();
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.closedFlag = true;
      this.entries.push({ kind: 'close', code, reason: reason.toString('utf8') });
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, protocols?: string[], keepPings = false): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
      const client = new Client(ws, keepPings);
      const timer = setTimeout(() => reject(new Error(`open timed out: ${url}`)), 10_000);
      ws.once('upgrade', (res: http.IncomingMessage) => {
        client.entries.push({ kind: 'info', key: 'negotiated protocol', value: JSON.stringify(res.headers['sec-websocket-protocol'] ?? null) });
      });
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      ws.once('unexpected-response', (_req, res: http.IncomingMessage) => {
        clearTimeout(timer);
        reject(new Error(`unexpected HTTP ${res.statusCode}`));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Received frames so far (text). */
  frames(): string[] {
    return this.entries.flatMap((e) => (e.kind === 'recv' ? [e.text] : []));
  }

  send(label: string, text: string): void {
    this.entries.push({ kind: 'send', label, text });
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  sendBinary(label: string, data: Buffer): void {
    this.entries.push({ kind: 'send', label, text: `<binary ${data.length} bytes: ${data.toString('utf8')}>`, binary: true });
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: true });
  }

  info(key: string, value: string): void {
    this.entries.push({ kind: 'info', key, value });
  }

  /** Wait until `pred` holds over the received frames (or the socket closed), at most maxMs. */
  async until(pred: (frames: string[]) => boolean, maxMs: number): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    while (!pred(this.frames())) {
      if (this.closedFlag || Date.now() >= deadline) return pred(this.frames());
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, Math.max(1, Math.min(50, deadline - Date.now())));
      });
    }
    return true;
  }

  /** Wait until no frame has arrived for quietMs (at most maxMs). */
  async settle(quietMs = 400, maxMs = 4000): Promise<void> {
    const start = Date.now();
    this.lastFrameAt = Math.max(this.lastFrameAt, start);
    while (Date.now() - this.lastFrameAt < quietMs && Date.now() - start < maxMs && !this.closedFlag) await sleep(25);
  }

  /** Wait for the close event (at most maxMs); records nothing if the socket stays open. */
  async waitClose(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (!this.closedFlag && Date.now() < deadline) await sleep(20);
    if (!this.closedFlag) this.info('socket', `still open after ${maxMs} ms`);
  }

  async close(): Promise<void> {
    if (this.closedFlag) return;
    const done = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close(1000);
    await Promise.race([done, sleep(2000)]);
  }
}

// ------------------------------------------------------------------------------------------------ raw HTTP helpers

interface RawUpgrade {
  status: number;
  protocolHeader: string | null;
  headerNames: string[];
  frames: string[];
}

/** Upgrade by hand (the `ws` client refuses a 101 without the protocol it offered) and read server frames. */
function rawUpgrade(t: Target, protocolHeader: string | null, readMs: number): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    };
    if (protocolHeader !== null) headers['Sec-WebSocket-Protocol'] = protocolHeader;
    const req = http.request(`${t.httpBase}${new URL(t.cableUrl).pathname}?token=${encodeURIComponent(t.validToken)}`, { headers });
    req.on('upgrade', (res, socket, head) => {
      let buf = Buffer.from(head);
      const frames: string[] = [];
      let finish: () => void = () => undefined;
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          const parsed = parseServerFrame(buf);
          if (!parsed) break;
          buf = buf.subarray(parsed.consumed);
          if (parsed.opcode === 1) frames.push(parsed.payload.toString('utf8'));
          else if (parsed.opcode === 8) frames.push(`<close frame code=${parsed.payload.length >= 2 ? parsed.payload.readUInt16BE(0) : 'none'}>`);
        }
        if (frames.some((f) => f.includes('"welcome"'))) setTimeout(finish, 150);
      });
      socket.on('error', () => undefined);
      let done = false;
      const timer = setTimeout(() => finish(), readMs);
      finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve({
          status: res.statusCode ?? 0,
          protocolHeader: (res.headers['sec-websocket-protocol'] as string | undefined) ?? null,
          headerNames: Object.keys(res.headers).sort(),
          frames: frames.filter((f) => !/^\{"type":"ping"/.test(f)),
        });
      };
      if (buf.length > 0) socket.emit('data', Buffer.alloc(0)); // frames already in `head`
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, protocolHeader: null, headerNames: Object.keys(res.headers).sort(), frames: [] });
    });
    req.on('error', reject);
    req.end();
  });
}

function parseServerFrame(buf: Buffer): { opcode: number; payload: Buffer; consumed: number } | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  let len = b1 & 0x7f;
  let off = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    off = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    off = 10;
  }
  if (b1 & 0x80) off += 4; // servers do not mask, but be safe
  if (buf.length < off + len) return undefined;
  return { opcode: b0 & 0x0f, payload: buf.subarray(off, off + len), consumed: off + len };
}

function httpGet(url: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

// ------------------------------------------------------------------------------------------------ sessions

const BENCH = JSON.stringify({ channel: 'BenchmarkChannel' });
const sub = (identifier: string) => JSON.stringify({ command: 'subscribe', identifier });
const unsub = (identifier: string) => JSON.stringify({ command: 'unsubscribe', identifier });
const msg = (identifier: string, data: string) => JSON.stringify({ command: 'message', identifier, data });
const isConfirmOrReject = (identifier: string) => (f: string) => {
  try {
    const v = JSON.parse(f) as Record<string, unknown>;
    return v.identifier === identifier && (v.type === 'confirm_subscription' || v.type === 'reject_subscription');
  } catch {
    return false;
  }
};

interface Session {
  name: string;
  title: string;
  /** Labels of sent steps whose differences are by design (see `intended`). */
  intendedSteps?: string[];
  intended?: string;
  /** Frames within one step may arrive in another order (Rails does not order deliveries, protocol.md §1.14). */
  orderMayDiffer?: boolean;
  /** Run only when both targets use Redis. */
  redisOnly?: boolean;
  run(t: Target): Promise<Entry[]>;
}

async function connected(t: Target, opts: { protocols?: string[]; keepPings?: boolean } = {}): Promise<Client> {
  const c = await Client.open(urlWithToken(t, t.validToken), opts.protocols ?? ['actioncable-v1-json', 'actioncable-unsupported'], opts.keepPings ?? false);
  await c.until((fs) => fs.some((f) => f.includes('"welcome"')), 5000);
  return c;
}

async function subscribed(c: Client, identifier: string, label = `subscribe ${identifier}`): Promise<void> {
  c.send(label, sub(identifier));
  await c.until((fs) => fs.some(isConfirmOrReject(identifier)), 3000);
  await c.settle(150, 1000);
}

const SESSIONS: Session[] = [
  {
    name: 'welcome-ping',
    title: 'welcome + first ping shape',
    async run(t) {
      const c = await Client.open(urlWithToken(t, t.validToken), ['actioncable-v1-json', 'actioncable-unsupported'], true);
      await c.until((fs) => fs.some((f) => f.startsWith('{"type":"ping"')), 4500);
      const ping = c.frames().find((f) => f.startsWith('{"type":"ping"'));
      if (ping) {
        const m = /"message":(-?\d+(?:\.\d+)?)/.exec(ping);
        const value = m ? Number(m[1]) : NaN;
        const near = Number.isFinite(value) && Math.abs(Date.now() / 1000 - value) <= 2;
        c.info('ping.message', `${Number.isInteger(value) ? 'integer' : 'NOT integer'} unix seconds, within 2 s of now: ${near ? 'yes' : 'NO'}`);
      } else c.info('ping', 'no ping within 4.5 s');
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'identifier-order',
    title: 'subscribe/confirm with identifier key-order variants',
    async run(t) {
      const c = await connected(t);
      for (const id of [
        BENCH,
        '{"channel":"BenchmarkChannel","a":1,"b":"x"}',
        '{"b":"x","a":1,"channel":"BenchmarkChannel"}',
        '{ "channel" : "BenchmarkChannel" }',
        '{"channel":"BenchmarkChannel","room":"<é&\u2028/>"}',
      ]) {
        await subscribed(c, id, `subscribe ${id}`);
      }
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'duplicate-subscribe',
    title: 'duplicate subscribe ×3, then one echo (duplicate streams would show twice)',
    orderMayDiffer: true,
    async run(t) {
      const c = await connected(t);
      for (let i = 1; i <= 3; i++) c.send(`subscribe #${i}`, sub(BENCH));
      await c.until((fs) => fs.some(isConfirmOrReject(BENCH)), 3000);
      await c.settle(500);
      c.send('echo', msg(BENCH, '{"action":"echo","payload":"once"}'));
      await c.settle();
      c.send('broadcast', msg(BENCH, '{"action":"broadcast","payload":"once"}'));
      await c.settle();
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'unknown-channel',
    title: 'subscribe to an unknown channel / invalid identifiers',
    intended: 'Rails 6.1 sends nothing; we answer reject_subscription by design decision (unknown channel, invalid identifier)',
    intendedSteps: ['subscribe NopeChannel', 'subscribe identifier not JSON', 'subscribe identifier without channel', 'subscribe identifier = JSON string'],
    async run(t) {
      const c = await connected(t);
      c.send('subscribe NopeChannel', sub('{"channel":"NopeChannel"}'));
      await c.settle(600);
      c.send('subscribe identifier not JSON', sub('not json'));
      await c.settle(600);
      c.send('subscribe identifier without channel', sub('{"room":"x"}'));
      await c.settle(600);
      c.send('subscribe identifier = JSON string', sub('"BenchmarkChannel"'));
      await c.settle(600);
      await subscribed(c, BENCH, 'subscribe BenchmarkChannel (still alive?)');
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'echo',
    title: 'echo (action first, action last as @rails/actioncable sends it, extra keys)',
    async run(t) {
      const c = await connected(t);
      await subscribed(c, BENCH);
      c.send('echo action first', msg(BENCH, '{"action":"echo","payload":{"x":1,"y":[true,null,"s"]}}'));
      await c.settle();
      c.send('echo action last (@rails/actioncable order)', msg(BENCH, '{"payload":{"x":1},"action":"echo"}'));
      await c.settle();
      c.send('echo with an extra key', msg(BENCH, '{"action":"echo","payload":2,"extra":"kept?"}'));
      await c.settle();
      c.send('echo without payload', msg(BENCH, '{"action":"echo"}'));
      await c.settle();
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'json-encoding',
    title: 'echo payloads that exercise JSON re-encoding (HTML escaping, U+2028, floats, big ints)',
    async run(t) {
      const c = await connected(t);
      await subscribed(c, BENCH);
      c.send('html + line separator', msg(BENCH, '{"action":"echo","payload":"<b>&amp;</b> \u2028 \u2029 é ☃ /"}'));
      await c.settle();
      c.send('escaped unicode input', msg(BENCH, '{"action":"echo","payload":"\\u00e9\\u003c\\/"}'));
      await c.settle();
      c.send('numbers', msg(BENCH, '{"action":"echo","payload":[1.0,1e2,1.5e300,-0.0,0.1,12345678901234567890]}'));
      await c.settle();
      c.send('whitespace in data', msg(BENCH, '{ "action" : "echo" , "payload" : { "a" : 1 } }'));
      await c.settle();
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'broadcast-order',
    title: 'broadcast → broadcast + broadcastResult ordering (×8)',
    orderMayDiffer: true,
    async run(t) {
      const c = await connected(t);
      await subscribed(c, BENCH);
      let resultFirst = 0;
      for (let i = 1; i <= 8; i++) {
        c.send(`broadcast #${i}`, msg(BENCH, `{"action":"broadcast","payload":${i}}`));
        await c.until((fs) => fs.filter((f) => f.includes(`"payload":${i}}`)).length >= 2, 3000);
        const mine = c.frames().filter((f) => f.includes(`"payload":${i}}`));
        if (mine[0]?.includes('broadcastResult')) resultFirst += 1;
        await c.settle(200);
      }
      c.entries.push({ kind: 'stat', key: 'order over 8 broadcasts', value: `broadcastResult before broadcast ${resultFirst}/8` });
      c.send('broadcast action last', msg(BENCH, '{"payload":4,"action":"broadcast"}'));
      await c.settle();
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'bad-input',
    title: 'malformed / unknown / misdirected commands, then a valid echo',
    orderMayDiffer: true,
    intended: 'Rails runs any public method as an action, so {"action":"subscribed"} re-runs `subscribed` and doubles the streams; our action allowlist refuses it (protocol.md §1.8 recommendation)',
    intendedSteps: ['broadcast after action=subscribed (re-subscribed streams would duplicate)'],
    async run(t) {
      const c = await connected(t);
      await subscribed(c, BENCH);
      const steps: Array<[string, string | Buffer]> = [
        ['malformed JSON', '{"command":"message",'],
        ['JSON array', '[1,2]'],
        ['object without command', '{"identifier":"x"}'],
        ['unknown command', JSON.stringify({ command: 'frobnicate', identifier: BENCH })],
        ['message with object data', JSON.stringify({ command: 'message', identifier: BENCH, data: { action: 'echo', payload: 1 } })],
        ['message with data "[1]"', msg(BENCH, '[1]')],
        ['message with data "null"', msg(BENCH, 'null')],
        ['message with invalid-JSON data', msg(BENCH, '{nope')],
        ['message unknown action', msg(BENCH, '{"action":"nope"}')],
        ['message action=subscribed (lifecycle hook)', msg(BENCH, '{"action":"subscribed"}')],
        ['message for unknown identifier', msg('{"channel":"BenchmarkChannel","x":1}', '{"action":"echo","payload":1}')],
        ['unsubscribe unknown identifier', unsub('{"channel":"BenchmarkChannel","x":2}')],
        ['identifier is a number', JSON.stringify({ command: 'subscribe', identifier: 42 })],
        ['binary frame', Buffer.from(msg(BENCH, '{"action":"echo","payload":"binary"}'))],
      ];
      for (const [label, frame] of steps) {
        if (typeof frame === 'string') c.send(label, frame);
        else c.sendBinary(label, frame);
        await c.settle(300);
      }
      c.send('valid echo (still alive?)', msg(BENCH, '{"action":"echo","payload":"alive"}'));
      await c.settle();
      c.send('broadcast after action=subscribed (re-subscribed streams would duplicate)', msg(BENCH, '{"action":"broadcast","payload":"dup?"}'));
      await c.settle();
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'unsubscribe',
    title: 'unsubscribe → no ack, no frames afterwards; unsubscribe+subscribe back-to-back',
    intended:
      'Rails runs the two commands concurrently in its worker pool, so the re-subscribe is sometimes lost (rails/rails#38668); we process commands in order and always confirm (protocol.md §7 item 22)',
    intendedSteps: ['(same tick) subscribe', 'echo'],
    async run(t) {
      const c = await connected(t);
      await subscribed(c, BENCH);
      c.send('unsubscribe', unsub(BENCH));
      await c.settle();
      c.send('echo after unsubscribe', msg(BENCH, '{"action":"echo","payload":"gone"}'));
      await c.settle();
      await subscribed(c, BENCH, 'subscribe again');
      c.send('unsubscribe + subscribe back-to-back', unsub(BENCH) + '');
      c.send('(same tick) subscribe', sub(BENCH));
      await c.settle(600);
      c.send('echo', msg(BENCH, '{"action":"echo","payload":"back"}'));
      await c.settle();
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'unauthorized',
    title: 'unauthorized token → disconnect frame + close code; missing token',
    async run(t) {
      const out: Entry[] = [];
      for (const [label, token] of [['invalid token', t.invalidToken], ['no token', null]] as const) {
        out.push({ kind: 'info', key: 'connect', value: label });
        try {
          const c = await Client.open(urlWithToken(t, token), ['actioncable-v1-json', 'actioncable-unsupported'], true);
          await c.waitClose(4000);
          out.push(...c.entries);
        } catch (err) {
          out.push({ kind: 'info', key: 'open failed', value: (err as Error).message });
        }
      }
      return out;
    },
  },
  {
    name: 'subprotocols',
    title: 'sub-protocol negotiation (response header, welcome)',
    async run(t) {
      const out: Entry[] = [];
      for (const [label, header] of [
        ['offer actioncable-v1-json, actioncable-unsupported', 'actioncable-v1-json, actioncable-unsupported'],
        ['offer nothing', null],
        ['offer only actioncable-unsupported', 'actioncable-unsupported'],
        ['offer unknown-proto, actioncable-v1-json', 'unknown-proto, actioncable-v1-json'],
      ] as const) {
        const r = await rawUpgrade(t, header, 3000);
        out.push({ kind: 'send', label, text: `Sec-WebSocket-Protocol: ${header ?? '(absent)'}` });
        out.push({ kind: 'info', key: 'HTTP status', value: String(r.status) });
        out.push({ kind: 'info', key: 'Sec-WebSocket-Protocol', value: JSON.stringify(r.protocolHeader) });
        for (const f of r.frames) out.push({ kind: 'recv', text: f });
      }
      return out;
    },
  },
  {
    name: 'plain-get',
    title: 'plain GET /cable (no upgrade)',
    async run(t) {
      const r = await httpGet(`${t.httpBase}${new URL(t.cableUrl).pathname}`);
      return [
        { kind: 'send', label: 'GET /cable', text: 'GET /cable' },
        { kind: 'info', key: 'HTTP status', value: String(r.status) },
        { kind: 'info', key: 'Content-Type', value: r.contentType },
        { kind: 'info', key: 'body', value: JSON.stringify(r.body) },
      ];
    },
  },
  {
    name: 'raw-publish',
    title: 'raw PUBLISH into Redis (a non-Rails publisher): is the payload re-encoded or relayed verbatim?',
    redisOnly: true,
    async run(t) {
      const { default: Redis } = await import('ioredis');
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      const c = await connected(t);
      await subscribed(c, BENCH);
      try {
        for (const [label, payload] of [
          ['compact object', '{"a":1}'],
          ['whitespace + html + float', '{ "a" : "<b>&" , "f" : 1.0 }'],
          ['JSON string', '"plain"'],
          ['not JSON', 'not json'],
        ] as const) {
          c.send(`PUBLISH ${label}`, `PUBLISH <bench stream> ${payload}`);
          await redis.publish(t.redisBenchChannel ?? '', payload);
          await c.settle(400);
        }
      } finally {
        redis.disconnect();
      }
      await c.close();
      return c.entries;
    },
  },
  {
    name: 'large-frame',
    title: 'a 1.5 MiB echo (Rails accepts frames up to 64 MiB)',
    async run(t) {
      const c = await connected(t);
      await subscribed(c, BENCH);
      const big = 'x'.repeat(1_500_000);
      c.send('echo 1.5 MiB payload', msg(BENCH, JSON.stringify({ action: 'echo', payload: big })));
      await c.settle(800, 6000);
      const entries = c.entries.map((e) => (e.kind === 'recv' && e.text.length > 300 ? { ...e, text: `${e.text.slice(0, 120)}…<${e.text.length} chars>` } : e));
      await c.close();
      return entries.map((e) => (e.kind === 'send' && e.text.length > 300 ? { ...e, text: `${e.text.slice(0, 120)}…<${e.text.length} chars>` } : e));
    },
  },
];

// ------------------------------------------------------------------------------------------------ comparison

type Verdict = 'identical' | 'intended difference' | 'UNEXPECTED difference' | 'error';

interface Row {
  segment: string;
  rails: string | undefined;
  ours: string | undefined;
  same: boolean;
  /** Differs only because the step's frames came in another order (same multiset). */
  orderOnly?: boolean;
  note?: string;
}

function normalise(s: string): string {
  return s.replace(/^\{"type":"ping","message":\d+\}$/, '{"type":"ping","message":<int>}');
}

function describe(e: Entry): string {
  switch (e.kind) {
    case 'recv':
      return e.binary ? `<binary> ${e.text}` : e.text;
    case 'close':
      return `[close ${e.code}${e.reason ? ` "${e.reason}"` : ''}]`;
    case 'info':
      return `[${e.key}: ${e.value}]`;
    case 'stat':
      return `[stat ${e.key}: ${e.value}]`;
    case 'send':
      return `>> ${e.text}`;
  }
}

/** Split a transcript into segments headed by the sends (sends are identical on both sides). */
function segments(entries: Entry[]): Array<{ label: string; items: string[] }> {
  const out: Array<{ label: string; items: string[] }> = [{ label: '(on connect)', items: [] }];
  for (const e of entries) {
    if (e.kind === 'send') out.push({ label: e.label, items: [] });
    else (out[out.length - 1] as { items: string[] }).items.push(describe(e));
  }
  return out;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

function explain(a: string, b: string): string | undefined {
  let x: unknown;
  let y: unknown;
  try {
    x = JSON.parse(a);
    y = JSON.parse(b);
  } catch {
    return undefined;
  }
  if (JSON.stringify(x) === JSON.stringify(y)) return 'same JSON value and key order; bytes differ (escaping / number formatting / whitespace)';
  if (JSON.stringify(canonical(x)) === JSON.stringify(canonical(y))) return 'same JSON value; key order differs';
  return 'different JSON value';
}

function compare(rails: Entry[], ours: Entry[]): Row[] {
  const a = segments(rails);
  const b = segments(ours);
  const rows: Row[] = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const sa = a[i];
    const sb = b[i];
    const label = sa?.label ?? sb?.label ?? '?';
    const m = Math.max(sa?.items.length ?? 0, sb?.items.length ?? 0);
    if (m === 0) rows.push({ segment: label, rails: undefined, ours: undefined, same: true });
    const bag = (xs: string[] | undefined) => JSON.stringify((xs ?? []).filter((x) => !x.startsWith('[stat ')).map(normalise).sort());
    const orderOnly = bag(sa?.items) === bag(sb?.items);
    for (let j = 0; j < m; j++) {
      const x = sa?.items[j];
      const y = sb?.items[j];
      const stat = x?.startsWith('[stat ') === true && y?.startsWith('[stat ') === true;
      const same = stat || (x !== undefined && y !== undefined && normalise(x) === normalise(y));
      const note = !same && x !== undefined && y !== undefined ? explain(x, y) : undefined;
      rows.push({ segment: label, rails: x, ours: y, same, ...(!same && orderOnly ? { orderOnly: true, note: 'same frames in this step, different order' } : note ? { note } : {}) });
    }
  }
  return rows;
}

function verdictOf(s: Session, rows: Row[]): Verdict {
  const diffs = rows.filter((r) => !r.same);
  if (diffs.length === 0) return 'identical';
  const intended = new Set(s.intendedSteps ?? []);
  return diffs.every((r) => intended.has(r.segment) || (s.orderMayDiffer && r.orderOnly)) ? 'intended difference' : 'UNEXPECTED difference';
}

// ------------------------------------------------------------------------------------------------ output

const useColor = process.stdout.isTTY;
const c = (code: number, s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Show frames exactly, but make invisible / non-ASCII characters visible as «U+XXXX». */
function visible(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (ch) => `«U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}»`);
}

function printSession(s: Session, rows: Row[], verdict: Verdict): void {
  const tag = verdict === 'identical' ? c(32, verdict) : verdict === 'intended difference' ? c(33, verdict) : c(31, verdict);
  console.log(`\n=== ${s.name}: ${s.title}  →  ${tag}`);
  if (s.orderMayDiffer) console.log('    (frames of one step may arrive in any order on Rails: ~ marks order-only differences)');
  if (s.intended) console.log(`    (intended: ${s.intended})`);
  let last = '';
  for (const r of rows) {
    if (r.segment !== last) {
      console.log(`  ${c(36, `>> ${r.segment}`)}`);
      last = r.segment;
    }
    if (r.rails === undefined && r.ours === undefined) {
      console.log('       = (nothing on either side)');
    } else if (r.same && r.rails !== r.ours && r.rails?.startsWith('[stat ')) {
      console.log(`       · rails: ${r.rails}`);
      console.log(`         ours : ${r.ours}`);
    } else if (r.same) {
      console.log(`       = ${visible(r.rails ?? '')}`);
    } else {
      const mark = r.orderOnly || (s.intendedSteps ?? []).includes(r.segment) ? c(33, '~') : c(31, '≠');
      console.log(`     ${mark} rails: ${r.rails === undefined ? '(nothing)' : visible(r.rails)}`);
      console.log(`       ours : ${r.ours === undefined ? '(nothing)' : visible(r.ours)}`);
      if (r.note) console.log(`       (${r.note})`);
    }
  }
}

// ------------------------------------------------------------------------------------------------ our server

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function waitHealthy(url: string, ms: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await httpGet(url);
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error(`${url} not healthy within ${ms} ms`);
}

interface ManifestUser {
  status?: string;
  /** The manifest's field is `access_token`; `token` accepted too. */
  access_token?: string;
  token?: string;
}
interface Manifest {
  accounts: Array<{ status?: string; users: ManifestUser[] }>;
}

async function startOurs(redis: boolean): Promise<{ target: Target; stop: () => Promise<void>; output: () => string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compare-rails-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `file:${path.join(dir, 'c.db')}`,
    CABLE_BENCHMARK_CHANNEL: '1',
    LOG_LEVEL: 'warn',
    ...(redis ? { PUBSUB_ADAPTER: 'redis', REDIS_URL, CABLE_CHANNEL_PREFIX: OURS_PREFIX } : {}),
  };
  // The manifest migrates and seeds an empty database, then prints fresh tokens.
  const m = await run('npm', ['run', '--silent', 'demo:manifest'], env);
  if (m.code !== 0) throw new Error(`demo:manifest failed (${m.code}): ${m.stderr.slice(-2000)}`);
  const manifest = JSON.parse(m.stdout) as Manifest;
  const token = manifest.accounts
    .filter((a) => a.status === undefined || a.status === 'active')
    .flatMap((a) => a.users)
    .map((u) => ({ status: u.status, token: u.access_token ?? u.token }))
    .find((u) => (u.status === undefined || u.status === 'active') && typeof u.token === 'string')?.token;
  if (!token) throw new Error('no active user token in the demo manifest');
  const child = spawn('npx', ['tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid, 'SIGTERM'); // our own process group (npx → tsx → node)
      } catch {
        /* already gone */
      }
      await Promise.race([exited, sleep(8000)]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, 90_000, child);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output.slice(-3000)}`);
  }
  return {
    target: {
      name: 'ours',
      cableUrl: `ws://127.0.0.1:${port}/cable`,
      httpBase: `http://127.0.0.1:${port}`,
      validToken: token,
      invalidToken: 'garbage.not-a.jwt',
      ...(redis ? { redisBenchChannel: `${OURS_PREFIX}:all` } : {}),
    },
    stop,
    output: () => output,
  };
}

// ------------------------------------------------------------------------------------------------ main

async function main(): Promise<number> {
  const rails: Target = { name: 'rails', cableUrl: PEER_URL, httpBase: httpBaseOf(PEER_URL), validToken: 'compare-rails', invalidToken: 'bad' };
  let redis = false;
  try {
    const h = await httpGet(`${rails.httpBase}/health`);
    redis = /\bredis\b/.test(h.body);
    if (redis) rails.redisBenchChannel = `${PEER_PREFIX}:bench:all`;
    console.log(`Rails peer: ${PEER_URL} (${h.body.trim()})`);
  } catch {
    console.error(`The Rails peer is not reachable at ${rails.httpBase}. Start it: cd /work/shared/peers/actioncable-rails && ./start.sh`);
    return 2;
  }
  const ours = await startOurs(redis);
  console.log(`Our server: ${ours.target.cableUrl} (child process, throw-away SQLite, CABLE_BENCHMARK_CHANNEL=1${redis ? `, redis ${REDIS_URL} prefix ${OURS_PREFIX}` : ', memory pub/sub'})`);
  const results: Array<{ session: Session; verdict: Verdict; rows: Row[]; rails: Entry[]; ours: Entry[]; error?: string }> = [];
  try {
    for (const s of SESSIONS.filter((x) => (!ONLY || ONLY.includes(x.name)) && (redis || !x.redisOnly))) {
      try {
        const a = await s.run(rails);
        const b = await s.run(ours.target);
        const rows = compare(a, b);
        const verdict = verdictOf(s, rows);
        results.push({ session: s, verdict, rows, rails: a, ours: b });
        printSession(s, rows, verdict);
      } catch (err) {
        results.push({ session: s, verdict: 'error', rows: [], rails: [], ours: [], error: (err as Error).message });
        console.log(`\n=== ${s.name}: ${s.title}  →  ${c(31, `error: ${(err as Error).message}`)}`);
      }
    }
  } finally {
    await ours.stop();
  }
  const serverLog = ours.output().trim();

  console.log('\n=== Summary');
  const w = Math.max(...results.map((r) => r.session.name.length), 8);
  console.log(`  ${'session'.padEnd(w)}  verdict                  differing rows: unexpected / intended / order-only`);
  for (const r of results) {
    const diff = r.rows.filter((x) => !x.same);
    const intended = new Set(r.session.intendedSteps ?? []);
    const order = diff.filter((x) => r.session.orderMayDiffer && x.orderOnly && !intended.has(x.segment)).length;
    const int = diff.filter((x) => intended.has(x.segment)).length;
    const unexpected = diff.length - order - int;
    console.log(`  ${r.session.name.padEnd(w)}  ${r.verdict.padEnd(23)}  ${r.verdict === 'error' ? r.error : `${unexpected} / ${int} / ${order}`}`);
  }
  if (serverLog) console.log(`\n(our server's warn+ log lines: ${serverLog.split('\n').length}; first: ${visible(serverLog.split('\n')[0] ?? '').slice(0, 200)})`);
  if (JSON_OUT) {
    writeFileSync(JSON_OUT, JSON.stringify(results.map((r) => ({ name: r.session.name, title: r.session.title, verdict: r.verdict, error: r.error, rows: r.rows, rails: r.rails, ours: r.ours })), null, 2));
    console.log(`transcripts written to ${JSON_OUT}`);
  }
  const unexpected = results.some((r) => r.verdict === 'UNEXPECTED difference' || r.verdict === 'error');
  return unexpected && !NO_FAIL ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`compare-rails failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
