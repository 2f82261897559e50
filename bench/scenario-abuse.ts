// The hostile-client scenarios (issue 15), ours only:
// - `abuse`: a bystander measures echo round trips on BenchmarkChannel while a zero-permission user floods frames
//   of 1 MiB of `[` at 25 per second from another process; the figure is the bystander's p95 during the flood.
// - `partial-frames`: N unauthenticated sockets each announce a 16 MiB frame, send 64 KiB of it and stall (never
//   answering the close); the figures are the server's peak RSS growth and the time until every socket is closed.

import net from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { forkWorker } from './children';
import type { FloodReport, FloodRequest } from './flood-worker';
import type { BenchOptions } from './options';
import { CpuMeter, rssBytes } from './proc-stats';
import { BENCHMARK_IDENTIFIER } from './scenario-broadcast';
import { serverKind, sleep } from './session';
import { serverSetup } from './server-setup';
import { startTarget } from './target';
import { percentiles, type Percentiles } from './stats';

/** Figures of the abuse scenario. */
export interface AbuseFigures {
  scenario: 'abuse';
  target: 'ours';
  nodes: number;
  /** Flooding clients (one). */
  clients: number;
  confirmed: number;
  failed: number;
  errors: string[];
  othersCpu: number;
  serverCpu: number;
  floodFrames: number;
  floodFrameBytes: number;
  floodPerSecond: number;
  /** Whether the server kept the attacker's socket open (it drops the frames, it does not close). */
  attackerOpen: boolean;
  baseline: Percentiles;
  during: Percentiles;
  loopMaxMs: number;
  rssBeforeMb: number;
  rssAfterMb: number;
}

/** Figures of the partial-frames scenario. */
export interface PartialFrameFigures {
  scenario: 'partial-frames';
  target: 'ours';
  nodes: number;
  clients: number;
  /** Sockets that were upgraded and sent their partial frame. */
  confirmed: number;
  failed: number;
  errors: string[];
  othersCpu: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  /** Time from the first upgrade until the server had closed every socket. */
  allClosedMs: number;
  /** Sockets still open when the scenario gave up waiting (30 s). */
  stillOpen: number;
}

const FLOOD = { perSecond: 25, bytes: 1 << 20, seconds: 10 };
const ECHO_EVERY_MS = 20;
const ANNOUNCED = 16 * 1024 * 1024;
const SENT_OF_IT = 64 * 1024;
const GIVE_UP_MS = 30_000;

/** Run the abuse scenario once. */
export async function runAbuse(opts: BenchOptions): Promise<AbuseFigures> {
  const setup = await serverSetup(serverKind(opts));
  const target = await startTarget('ours', { ceilingMode: opts.ceilingMode, setup, nodes: 1 });
  const errors: string[] = [];
  try {
    const bystander = await Bystander.open(`${target.urls[0]}?token=${encodeURIComponent((setup.tokens[0] as { token: string }).token)}`);
    const seconds = opts.smoke ? 2 : FLOOD.seconds;
    const baseline = await bystander.measure(opts.smoke ? 1000 : 3000);
    await target.report();
    const before = rssBytes(target.pids[0] as number);
    const cpu = new CpuMeter(target.pids);
    const flood = startFlood(`${target.urls[0]}?token=${encodeURIComponent(setup.zeroPermissionToken.token)}`, { ...FLOOD, seconds });
    const during = await bystander.measure(seconds * 1000);
    const report = await flood;
    const [serverCpu = NaN] = cpu.percents();
    const loop = await target.report();
    bystander.close();
    return {
      scenario: 'abuse', target: 'ours', nodes: 1, clients: 1, confirmed: 1, failed: report.open ? 0 : 1, errors,
      othersCpu: cpu.othersPercent(), serverCpu, floodFrames: report.sent, floodFrameBytes: FLOOD.bytes, floodPerSecond: FLOOD.perSecond,
      attackerOpen: report.open, baseline, during, loopMaxMs: loop.maxMs, rssBeforeMb: before / 2 ** 20, rssAfterMb: loop.procRss / 2 ** 20,
    };
  } finally {
    await target.stop();
  }
}

/** Run the partial-frames scenario with `clients` stalled sockets. */
export async function runPartialFrames(clients: number, opts: BenchOptions): Promise<PartialFrameFigures> {
  const setup = await serverSetup(serverKind(opts));
  const target = await startTarget('ours', { ceilingMode: opts.ceilingMode, setup, nodes: 1 });
  try {
    await target.report();
    const pid = target.pids[0] as number;
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
    const cpu = new CpuMeter(target.pids);
    const started = Date.now();
    const port = Number(new URL(target.httpUrl).port);
    const outcomes = await Promise.all(Array.from({ length: clients }, () => stallingSocket(port)));
    const upgraded = outcomes.filter((o) => o.upgraded);
    const closed = await Promise.all(upgraded.map((o) => o.closedAt));
    clearInterval(sampler);
    const stillOpen = closed.filter((at) => at === undefined).length;
    const errors = [...new Set(outcomes.flatMap((o) => (o.error ? [o.error] : [])))];
    return {
      scenario: 'partial-frames', target: 'ours', nodes: 1, clients, confirmed: upgraded.length, failed: clients - upgraded.length + stillOpen, errors,
      othersCpu: cpu.othersPercent(), rssBeforeMb: before / 2 ** 20, rssPeakMb: peak / 2 ** 20,
      allClosedMs: Math.max(0, ...closed.map((at) => (at ?? Date.now()) - started)), stillOpen,
    };
  } finally {
    await target.stop();
  }
}

/** One socket: upgrade without credentials, announce a 16 MiB frame, send 64 KiB of it, then stall. */
async function stallingSocket(port: number): Promise<{ upgraded: boolean; error?: string; closedAt: Promise<number | undefined> }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closedAt = new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => (socket.destroy(), resolve(undefined)), GIVE_UP_MS);
    socket.once('close', () => (clearTimeout(timer), resolve(Date.now())));
  });
  const upgraded = await new Promise<string>((resolve) => {
    socket.once('connect', () => socket.write(`GET /cable HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    socket.once('data', (chunk) => resolve(chunk.toString('latin1').split('\r\n')[0] ?? ''));
    socket.once('close', () => resolve('closed before the handshake'));
  });
  if (!upgraded.includes(' 101 ')) return { upgraded: false, error: upgraded, closedAt };
  // Stall: never answer the server's close frame, never finish the frame (reading goes on, discarded: a paused
  // socket would not even notice that the server closed it).
  socket.on('data', () => undefined);
  socket.write(Buffer.concat([partialHeader(ANNOUNCED), Buffer.alloc(SENT_OF_IT, 0x5b)]));
  return { upgraded: true, closedAt };
}

/** A masked text frame header announcing `length` bytes (64-bit length, all-zero mask key). */
function partialHeader(length: number): Buffer {
  const head = Buffer.alloc(14);
  head.writeUInt8(0x81, 0);
  head.writeUInt8(0x80 | 127, 1);
  head.writeBigUInt64BE(BigInt(length), 2);
  return head;
}

/** Run the flood worker; resolves with its report. */
function startFlood(url: string, flood: Omit<FloodRequest, 'url'>): Promise<FloodReport> {
  const child = forkWorker('bench/flood-worker.ts', process.env);
  return new Promise((resolve, reject) => {
    child.once('message', (report: FloodReport) => resolve(report));
    child.once('exit', (code) => reject(new Error(`flood worker exited (${code}) before reporting`)));
    child.send({ url, ...flood } satisfies FloodRequest);
  });
}

/** A client timing echo round trips on BenchmarkChannel. */
class Bystander {
  private pending = new Map<number, number>();
  private samples: number[] = [];
  private seq = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.onFrame(String(data)));
  }

  static async open(url: string): Promise<Bystander> {
    const ws = new WebSocket(url);
    const b = new Bystander(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data) => {
        const text = String(data);
        if (text.includes('"welcome"')) ws.send(JSON.stringify({ command: 'subscribe', identifier: BENCHMARK_IDENTIFIER }));
        if (text.includes('confirm_subscription')) resolve();
        if (text.includes('reject_subscription')) reject(new Error('BenchmarkChannel refused (CABLE_BENCHMARK_CHANNEL=1?)'));
      });
    });
    return b;
  }

  /** Echo every ECHO_EVERY_MS for `ms`; the round-trip percentiles (a lost echo counts as the whole window). */
  async measure(ms: number): Promise<Percentiles> {
    this.samples = [];
    const timer = setInterval(() => this.ping(), ECHO_EVERY_MS);
    await sleep(ms);
    clearInterval(timer);
    await sleep(200);
    for (const sentAt of this.pending.values()) this.samples.push(performance.now() - sentAt);
    this.pending.clear();
    return percentiles(Float64Array.from(this.samples));
  }

  close(): void {
    this.ws.close();
  }

  private ping(): void {
    const seq = (this.seq += 1);
    this.pending.set(seq, performance.now());
    this.ws.send(JSON.stringify({ command: 'message', identifier: BENCHMARK_IDENTIFIER, data: JSON.stringify({ action: 'echo', payload: { seq } }) }));
  }

  private onFrame(text: string): void {
    const match = /"seq":(\d+)/.exec(text);
    const sentAt = match ? this.pending.get(Number(match[1])) : undefined;
    if (sentAt === undefined) return;
    this.pending.delete(Number(match?.[1]));
    this.samples.push(performance.now() - sentAt);
  }
}
