// Our side of the comparison: the server started as a child process (`npx tsx src/main.ts`) on a free port with a
// throw-away seeded SQLite database and CABLE_BENCHMARK_CHANNEL=1 (on the peer's Redis when the peer uses Redis),
// a user token from the demo manifest, and a stop that ends the child's whole process group.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sleep } from './client';
import { OURS_PREFIX, REDIS_URL } from './options';
import { httpGet } from './raw-http';
import type { Target } from './target';

const ROOT = path.resolve(__dirname, '..', '..');

/** Our running server. */
export interface OurServer {
  target: Target;
  stop: () => Promise<void>;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
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

/** A TCP port free on 127.0.0.1 right now. */
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

/** Run a command in the project root and collect its output. */
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

/** Poll `url` until it answers 200; fails when `child` exits or `ms` pass. */
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

/** The server's environment: `port`, a database in `dir`, the benchmark channel, Redis when `redis`. */
function serverEnv(port: number, dir: string, redis: boolean): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `file:${path.join(dir, 'c.db')}`,
    CABLE_BENCHMARK_CHANNEL: '1',
    LOG_LEVEL: 'warn',
    ...(redis ? { PUBSUB_ADAPTER: 'redis', REDIS_URL, CABLE_CHANNEL_PREFIX: OURS_PREFIX } : {}),
  };
}

/** Migrate and seed the database of `env` through the demo manifest and return an active user's fresh token. */
async function demoUserToken(env: NodeJS.ProcessEnv): Promise<string> {
  const m = await run('npm', ['run', '--silent', 'demo:manifest'], env);
  if (m.code !== 0) throw new Error(`demo:manifest failed (${m.code}): ${m.stderr.slice(-2000)}`);
  const manifest = JSON.parse(m.stdout) as Manifest;
  const token = manifest.accounts
    .filter((a) => a.status === undefined || a.status === 'active')
    .flatMap((a) => a.users)
    .map((u) => ({ status: u.status, token: u.access_token ?? u.token }))
    .find((u) => (u.status === undefined || u.status === 'active') && typeof u.token === 'string')?.token;
  if (!token) throw new Error('no active user token in the demo manifest');
  return token;
}

/** Send `signal` to the child's process group (npx → tsx → node), if it is still there. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    /* already gone */
  }
}

/** A stop for `child`: SIGTERM to its group, SIGKILL after 8 s; then remove `dir`. */
function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      signalGroup(child, 'SIGTERM');
      await Promise.race([exited, sleep(8000)]);
      if (child.exitCode === null) signalGroup(child, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** The target our server at `port` is, accepting `token`. */
function ourTarget(port: number, token: string, redis: boolean): Target {
  return {
    name: 'ours',
    cableUrl: `ws://127.0.0.1:${port}/cable`,
    httpBase: `http://127.0.0.1:${port}`,
    validToken: token,
    invalidToken: 'garbage.not-a.jwt',
    ...(redis ? { redisBenchChannel: `${OURS_PREFIX}:all` } : {}),
  };
}

/** Start our server (on Redis when `redis`) and wait until /health answers. */
export async function startOurs(redis: boolean): Promise<OurServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compare-rails-'));
  const port = await freePort();
  const env = serverEnv(port, dir, redis);
  const token = await demoUserToken(env);
  const child = spawn('npx', ['tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = stopper(child, dir);
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, 90_000, child);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output.slice(-3000)}`);
  }
  return { target: ourTarget(port, token, redis), stop, output: () => output };
}
