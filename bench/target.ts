// A measured server (ours or the ceiling) as child processes with the loop-delay preload: start it, ask it for an
// event-loop/memory report, read its RSS and CPU from /proc, stop it. With --nodes N, ours is N processes on one
// Redis (PUBSUB_ADAPTER=redis, a channel prefix of its own per run); reports sum memory and take the worst loop.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnServer, ROOT, type ServerChild } from './children';
import type { LoopReport } from './loop-delay';
import { BENCH_BROADCAST_KEY, BENCH_JWT_SECRET, LOOP_REPORT_PREFIX, READY_PREFIX } from './messages';
import type { TargetName } from './options';
import { rssBytes } from './proc-stats';
import type { ServerSetup } from './server-setup';

/** A running measured server (one or more processes). */
export interface Target {
  name: TargetName;
  /** One pid per node. */
  pids: number[];
  /** WebSocket URL of each node; client i connects to urls[i % urls.length]. */
  urls: string[];
  /** HTTP base URL of the first node (POST /_broadcast). */
  httpUrl: string;
  /** Event-loop delay since the last report (GC first), plus RSS from /proc right after. */
  report(): Promise<LoopReport & { procRss: number }>;
  stop(): Promise<void>;
}

/** How to start a target. */
export interface TargetOptions {
  ceilingMode: 'frame' | 'send';
  /** Directory for `--cpu-prof` output, when profiling. */
  profileDir?: string;
  /** How to start ours. */
  setup: ServerSetup;
  /** Processes of ours (the ceiling is always one). */
  nodes: number;
}

/** Redis for --nodes 2+: REDIS_URL, else the local default. */
export const BENCH_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const PRELOAD = ['--import', `./${path.relative(ROOT, path.join(__dirname, 'loop-delay.ts'))}`, '--expose-gc'];

/** Start `name` and wait until it listens. */
export async function startTarget(name: TargetName, opts: TargetOptions): Promise<Target> {
  const nodeArgs = [...PRELOAD];
  if (opts.profileDir) {
    fs.mkdirSync(opts.profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`);
  }
  const nodes: Array<{ child: ServerChild; port: number }> = [];
  try {
    if (name === 'ceiling') nodes.push(await startCeiling(nodeArgs, opts.ceilingMode));
    else {
      const cluster = opts.nodes > 1 ? await clusterEnv() : {};
      for (let i = 0; i < opts.nodes; i += 1) nodes.push(await startOurs(nodeArgs, opts.setup, cluster));
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => stop(n.child)));
    throw err;
  }
  return {
    name,
    pids: nodes.map((n) => n.child.pid),
    urls: nodes.map((n) => `ws://127.0.0.1:${n.port}${name === 'ours' ? '/cable' : '/'}`),
    httpUrl: `http://127.0.0.1:${(nodes[0] as { port: number }).port}`,
    report: async () => mergeReports(await Promise.all(nodes.map((n) => report(n.child)))),
    stop: async () => void (await Promise.all(nodes.map((n) => stop(n.child)))),
  };
}

/** The environment that makes several of our processes one cluster: Redis pub/sub under a prefix of this run. */
async function clusterEnv(): Promise<NodeJS.ProcessEnv> {
  const url = new URL(BENCH_REDIS_URL);
  const reachable = await new Promise<boolean>((resolve) => {
    const probe = net.connect(Number(url.port || 6379), url.hostname, () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
  if (!reachable) throw new Error(`--nodes needs Redis: nothing answers at ${BENCH_REDIS_URL} (set REDIS_URL)`);
  return { PUBSUB_ADAPTER: 'redis', REDIS_URL: BENCH_REDIS_URL, CABLE_CHANNEL_PREFIX: `bench_${process.pid}_${Date.now()}` };
}

/** One report for several processes: memory summed, the worst event-loop figures. */
function mergeReports(reports: Array<LoopReport & { procRss: number }>): LoopReport & { procRss: number } {
  const sum = (f: (r: LoopReport & { procRss: number }) => number) => reports.reduce((n, r) => n + f(r), 0);
  return {
    maxMs: Math.max(...reports.map((r) => r.maxMs)),
    p99Ms: Math.max(...reports.map((r) => r.p99Ms)),
    meanMs: sum((r) => r.meanMs) / reports.length,
    rss: sum((r) => r.rss),
    heapUsed: sum((r) => r.heapUsed),
    heapTotal: sum((r) => r.heapTotal ?? 0),
    external: sum((r) => r.external ?? 0),
    arrayBuffers: sum((r) => r.arrayBuffers ?? 0),
    spaces: reports.length === 1 ? reports[0]?.spaces : undefined,
    procRss: sum((r) => r.procRss),
  };
}

async function startCeiling(nodeArgs: string[], mode: 'frame' | 'send'): Promise<{ child: ServerChild; port: number }> {
  const child = spawnServer('bench/ws-ceiling.ts', ['--port', '0', '--mode', mode], nodeArgs, process.env);
  return { child, port: (JSON.parse(await child.nextLine(READY_PREFIX, 30_000)) as { port: number }).port };
}

/**
 * The limits the bench raises explicitly (everything else stays at its default): every client comes from 127.0.0.1
 * and shares a handful of demo users, so the per-address and per-user caps would refuse a 10k storm, and a sender
 * performs up to `--concurrent` broadcasts per round trip, above the default per-connection command rate.
 */
export const BENCH_LIMITS: NodeJS.ProcessEnv = {
  CABLE_MAX_CONNECTIONS_PER_IP: '0',
  CABLE_UPGRADE_RATE_PER_IP: '0',
  CABLE_MAX_CONNECTIONS_PER_USER: '0',
  CABLE_COMMAND_RATE: '2000',
  CABLE_COMMAND_BURST: '2000',
};

async function startOurs(nodeArgs: string[], setup: ServerSetup, cluster: NodeJS.ProcessEnv): Promise<{ child: ServerChild; port: number }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PUBSUB_ADAPTER: 'memory',
    CABLE_BENCHMARK_CHANNEL: '1',
    JWT_SECRET_KEY: BENCH_JWT_SECRET,
    BROADCAST_KEY: BENCH_BROADCAST_KEY,
    ...BENCH_LIMITS,
    ...setup.env,
    ...cluster,
  };
  if (setup.kind === 'bench') {
    const child = spawnServer('bench/server-entry.ts', [], nodeArgs, { ...env, PORT: '0' });
    return { child, port: (JSON.parse(await child.nextLine(READY_PREFIX, 30_000)) as { port: number }).port };
  }
  // `npm start` itself (the compiled dist/src/main.js, as production runs it): it prints no port in production, so
  // give it a free one and poll /health.
  ensureBuilt();
  const port = await freePort();
  const child = spawnServer('dist/src/main.js', [], nodeArgs, { ...env, PORT: String(port) });
  await waitForHealth(child, port, 120_000);
  return { child, port };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function waitForHealth(child: ServerChild, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null) throw new Error(`dist/src/main.js exited (${child.child.exitCode})\n${child.stderrTail()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`dist/src/main.js did not answer /health within ${timeoutMs} ms\n${child.stderrTail()}`);
}

async function report(child: ServerChild): Promise<LoopReport & { procRss: number }> {
  const line = child.nextLine(LOOP_REPORT_PREFIX, 30_000);
  child.child.kill('SIGUSR2');
  const parsed = JSON.parse(await line) as LoopReport;
  return { ...parsed, procRss: rssBytes(child.pid) };
}

async function stop(child: ServerChild): Promise<void> {
  if (child.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.child.once('exit', () => resolve()));
  child.child.kill('SIGTERM');
  const timer = setTimeout(() => child.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

let built = false;

/** Compile to dist/ when it is missing or older than the sources (once per bench run). */
function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}
