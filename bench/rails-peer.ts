// The `rails` target: the real Rails ActionCable 6.1 peer (../shared/peers/actioncable-rails: puma, async adapter,
// one process) started and stopped through its own start.sh/stop.sh, on a free port with a run directory of this
// bench run's own, so it never touches a peer someone else started. BenchmarkChannel there has our shapes
// (broadcast → every subscriber, then broadcastResult to the sender); `?token=` takes any non-empty value.
// Ruby has no loop-delay preload: its report carries RSS and CPU from /proc only (loop and heap figures are NaN).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onExit, ROOT } from './children';
import type { LoopReport } from './loop-delay';
import type { BenchToken } from './messages';
import { rssBytes } from './proc-stats';
import type { Target } from './target';

/** Where the peer lives: RAILS_PEER_DIR, else ../shared/peers/actioncable-rails next to the repository. */
export const RAILS_PEER_DIR = process.env.RAILS_PEER_DIR ?? path.resolve(ROOT, '..', 'shared', 'peers', 'actioncable-rails');

/** The peer's connection accepts any non-empty token as the user. */
export const RAILS_TOKENS: BenchToken[] = [{ token: 'bench', account: '' }];

/** A second channel for the idle-memory scenario's two subscriptions (the peer has no NotificationChannel). */
export const RAILS_CHAT_IDENTIFIER = '{"channel":"ChatChannel","room":"bench"}';

const INSTALL_HINT = 'apt-get install -y --no-install-recommends ruby ruby-actioncable puma ruby-redis';

let availability: string | undefined | null = null;

/** Why the rails target cannot run here (peer or its Debian packages missing), or undefined when it can. */
export function railsUnavailable(): string | undefined {
  if (availability !== null) return availability;
  availability = probe();
  return availability;
}

function probe(): string | undefined {
  if (!fs.existsSync(path.join(RAILS_PEER_DIR, 'start.sh'))) return `no Rails peer at ${RAILS_PEER_DIR} (set RAILS_PEER_DIR)`;
  try {
    execFileSync('puma', ['--version'], { stdio: 'ignore' });
    execFileSync('ruby', ['-raction_cable', '-e', '0'], { stdio: 'ignore' });
  } catch {
    return `the Rails peer's Debian packages are not installed (${INSTALL_HINT})`;
  }
  return undefined;
}

/** Start the peer on a free port and wait for /health (start.sh does); stop.sh on stop and, as a last resort, on exit. */
export async function startRails(): Promise<Target> {
  const why = railsUnavailable();
  if (why) throw new Error(`rails target: ${why}`);
  const port = await freePort();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rails-'));
  const env = { ...process.env, PORT: String(port), RUN_DIR: runDir, CABLE_ADAPTER: 'async', CABLE_LOG: 'warn' };
  try {
    execFileSync(path.join(RAILS_PEER_DIR, 'start.sh'), [], { cwd: RAILS_PEER_DIR, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  } catch (err) {
    execFileSync(path.join(RAILS_PEER_DIR, 'stop.sh'), [], { cwd: RAILS_PEER_DIR, env, stdio: 'ignore' });
    throw new Error(`rails peer did not start: ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? (err as Error).message}`);
  }
  const pid = Number(fs.readFileSync(path.join(runDir, 'puma.pid'), 'utf8').trim());
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    execFileSync(path.join(RAILS_PEER_DIR, 'stop.sh'), [], { cwd: RAILS_PEER_DIR, env, stdio: 'ignore' });
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  onExit(stopSync);
  const report = async (): Promise<LoopReport & { procRss: number }> => {
    const rss = rssBytes(pid);
    return { maxMs: NaN, p99Ms: NaN, meanMs: NaN, rss, heapUsed: NaN, procRss: rss };
  };
  return {
    name: 'rails',
    pids: [pid],
    urls: [`ws://127.0.0.1:${port}/cable`],
    httpUrl: `http://127.0.0.1:${port}`,
    report,
    stop: async () => stopSync(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probeServer = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probeServer.address() as net.AddressInfo;
      probeServer.close(() => resolve(port));
    });
    probeServer.on('error', reject);
  });
}
