// The server under `npm run fuzz`: `npm start` itself (src/main.ts) as a child process on the bench's temporary
// seeded SQLite database, with the bench's loop-delay preload, the fuzz settings, its JSON log lines fed to a
// LogWatch and every stderr line kept. Reuses bench/children, server-setup, proc-stats and loop-delay.

import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { ROOT, spawnServer, type ServerChild } from '../../bench/children';
import type { LoopReport } from '../../bench/loop-delay';
import { BENCH_BROADCAST_KEY, LOOP_REPORT_PREFIX } from '../../bench/messages';
import { rssBytes } from '../../bench/proc-stats';
import { serverSetup } from '../../bench/server-setup';
import type { Manifest } from '../../src/db/manifest';
import type { ServerAddress } from '../../test/support/fuzz/fresh-client';
import type { LogWatch } from '../../test/support/fuzz/log-watch';
import { FUZZ_SERVER_ENV } from '../../test/support/fuzz/server-env';

/** The running server child. */
export interface FuzzTarget {
  address: ServerAddress;
  pid: number;
  manifest: Manifest;
  /** Every line the child wrote to stderr. */
  stderr: string[];
  /** Why the child is gone or broken (exit, or an uncaught exception on stderr), undefined while it is fine. */
  failure(): string | undefined;
  /** Event-loop delay since the previous report (after a GC) and RSS from /proc. */
  report(): Promise<LoopReport & { procRss: number }>;
  stop(): Promise<void>;
}

const PRELOAD = ['--import', `./${path.relative(ROOT, path.join(ROOT, 'bench', 'loop-delay.ts'))}`, '--expose-gc'];
const CRASH_LINE = /uncaught|unhandled|fatal|FATAL ERROR|heap out of memory|^\s+at .+\(.+:\d+:\d+\)$/i;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function waitForHealth(child: ServerChild, httpUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null) throw new Error(`src/main.ts exited (${child.child.exitCode})\n${child.stderrTail()}`);
    if (await fetch(`${httpUrl}/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`src/main.ts did not answer /health within ${timeoutMs} ms\n${child.stderrTail()}`);
}

/** The demo manifest (every user and worker with fresh tokens) of the database in `env`. */
async function loadManifest(env: NodeJS.ProcessEnv): Promise<Manifest> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo-manifest.ts'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout) as Manifest;
}

function watchOutput(child: ServerChild, logs: LogWatch, stderr: string[]): void {
  readline.createInterface({ input: child.child.stdout as NodeJS.ReadableStream }).on('line', (line) => line.startsWith('{') && logs.push(line));
  readline.createInterface({ input: child.child.stderr as NodeJS.ReadableStream }).on('line', (line) => stderr.push(line));
}

/** Start the server child (the bench's `app` setup plus FUZZ_SERVER_ENV) and wait until /health answers. */
export async function startFuzzTarget(logs: LogWatch, extraEnv: NodeJS.ProcessEnv = {}): Promise<FuzzTarget> {
  const setup = await serverSetup('app');
  const manifest = await loadManifest(setup.env);
  const port = await freePort();
  const env = { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', PUBSUB_ADAPTER: 'memory', BROADCAST_KEY: BENCH_BROADCAST_KEY, ...setup.env, ...FUZZ_SERVER_ENV, ...extraEnv };
  const child = spawnServer('src/main.ts', [], PRELOAD, env);
  const stderr: string[] = [];
  watchOutput(child, logs, stderr);
  const httpUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(child, httpUrl, 120_000);
  const failure = () => {
    if (child.child.exitCode !== null || child.child.signalCode !== null) return `server exited (${child.child.exitCode ?? child.child.signalCode})`;
    const crash = stderr.find((l) => CRASH_LINE.test(l));
    return crash ? `server stderr: ${crash}` : undefined;
  };
  return {
    address: { url: `ws://127.0.0.1:${port}/cable`, httpUrl, broadcastKey: BENCH_BROADCAST_KEY },
    pid: child.pid,
    manifest,
    stderr,
    failure,
    report: async () => {
      const line = child.nextLine(LOOP_REPORT_PREFIX, 30_000);
      child.child.kill('SIGUSR2');
      return { ...(JSON.parse(await line) as LoopReport), procRss: rssBytes(child.pid) };
    },
    stop: async () => {
      if (child.child.exitCode !== null || child.child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.child.once('exit', () => resolve()));
      child.child.kill('SIGTERM');
      const timer = setTimeout(() => child.child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
