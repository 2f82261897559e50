// A measured server (ours or the ceiling) as a child process with the loop-delay preload: start it, ask it for an
// event-loop/memory report, read its RSS and CPU from /proc, stop it.

import path from 'node:path';
import fs from 'node:fs';
import { spawnServer, ROOT, type ServerChild } from './children';
import type { LoopReport } from './loop-delay';
import { LOOP_REPORT_PREFIX, READY_PREFIX } from './messages';
import type { TargetName } from './options';
import { rssBytes } from './proc-stats';

/** Shared secrets between the bench's server and its token minting. */
export const BENCH_JWT_SECRET = 'bench-only-jwt-secret-0123456789abcdef';
export const BENCH_BROADCAST_KEY = 'bench-broadcast-key';

/** A running measured server. */
export interface Target {
  name: TargetName;
  pid: number;
  port: number;
  /** WebSocket URL clients connect to. */
  url: string;
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
}

const PRELOAD = ['--import', `./${path.relative(ROOT, path.join(__dirname, 'loop-delay.ts'))}`, '--expose-gc'];

/** Start `name` and wait until it listens. */
export async function startTarget(name: TargetName, opts: TargetOptions): Promise<Target> {
  const nodeArgs = [...PRELOAD];
  if (opts.profileDir) {
    fs.mkdirSync(opts.profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`);
  }
  const child = name === 'ours' ? spawnOurs(nodeArgs) : spawnServer('bench/ws-ceiling.ts', ['--port', '0', '--mode', opts.ceilingMode], nodeArgs, process.env);
  const ready = JSON.parse(await child.nextLine(READY_PREFIX, 30_000)) as { port: number };
  const path_ = name === 'ours' ? '/cable' : '/';
  return {
    name,
    pid: child.pid,
    port: ready.port,
    url: `ws://127.0.0.1:${ready.port}${path_}`,
    httpUrl: `http://127.0.0.1:${ready.port}`,
    report: () => report(child),
    stop: () => stop(child),
  };
}

function spawnOurs(nodeArgs: string[]): ServerChild {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PUBSUB_ADAPTER: 'memory',
    CABLE_BENCHMARK_CHANNEL: '1',
    JWT_SECRET_KEY: BENCH_JWT_SECRET,
    BROADCAST_KEY: BENCH_BROADCAST_KEY,
  };
  return spawnServer('bench/server-entry.ts', [], nodeArgs, env);
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
