// One measured setup: a fresh target server, its memory baseline, W load workers with N clients opened and
// subscribed, and the per-connection memory after a settle. Scenarios run their rounds on top of it.

import path from 'node:path';
import { LoadGroup } from './load-group';
import { ClientPool } from './client-pool';
import type { OpenRequest, Opened } from './messages';
import type { BenchOptions, TargetName } from './options';
import { CpuMeter, listenOverflows, waitForIdle } from './proc-stats';
import { startTarget, type Target } from './target';
import { RAILS_TOKENS, startRails } from './rails-peer';
import { hasDatabaseLayer, serverSetup, type ServerSetup } from './server-setup';

/** What opening the clients cost the server. */
export interface ConnectFigures {
  clients: number;
  /** Processes the server ran as (ours with --nodes; 1 for the ceiling). */
  nodes: number;
  confirmed: number;
  failed: number;
  errors: string[];
  /** First connect → last confirmation, ms. */
  connectMs: number;
  serverCpuConnect: number;
  othersCpuConnect: number;
  /** Connections the kernel dropped from a full accept queue while connecting (clients retry after 1 s, 3 s, …). */
  listenOverflows: number;
  loopMaxConnectMs: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPerConnKb: number;
  heapPerConnKb: number;
}

/** A live setup; `end()` closes clients and server. */
export interface Session {
  target: Target;
  load: LoadGroup;
  connect: ConnectFigures;
  end(): Promise<void>;
}

/** Identifiers each client subscribes to, given how ours is set up. */
export type Identifiers = string[] | ((setup: ServerSetup) => string[]);

/** Which server ours is: `--server`, else `app` once the database layer exists; many-streams needs `bench`. */
export function serverKind(opts: BenchOptions): 'app' | 'bench' {
  if (opts.scenario === 'many-streams') return 'bench';
  return opts.server ?? (hasDatabaseLayer() ? 'app' : 'bench');
}

/** Start `name`, open `clients` clients subscribed to `identifiers`, and measure memory per connection. */
export async function openSession(name: TargetName, clients: number, identifiers: Identifiers, opts: BenchOptions, profileDir?: string): Promise<Session> {
  const setup = await serverSetup(serverKind(opts));
  if (opts.waitIdle > 0) await waitForIdle(opts.waitIdle * 1000);
  const target = name === 'rails' ? await startRails() : await startTarget(name, { ceilingMode: opts.ceilingMode, profileDir: profileDir && path.join(profileDir, 'server'), setup, nodes: opts.nodes });
  const load = new LoadGroup(clients, Math.min(opts.workers, clients), profileDir && path.join(profileDir, 'clients'));
  const end = async () => {
    await load.close();
    await target.stop();
  };
  try {
    const tokens = name === 'ours' ? setup.tokens : name === 'rails' ? RAILS_TOKENS : [];
    const ids = typeof identifiers === 'function' ? identifiers(setup) : identifiers;
    for (const url of target.urls) await warmUp({ urls: [url], tokens, identifiers: ids });
    const before = await target.report();
    const cpu = new CpuMeter([...target.pids, ...load.pids]);
    const overflowsBefore = listenOverflows();
    const opened: Opened = await load.open({ urls: target.urls, tokens, identifiers: ids, window: opts.connectWindow, timeoutMs: opts.smoke ? 15_000 : 60_000 });
    const { server: serverCpuConnect } = splitCpu(cpu.percents(), target);
    const othersCpuConnect = cpu.othersPercent();
    await sleep(opts.smoke ? 300 : 1500);
    const after = await target.report();
    const n = Math.max(1, opened.confirmed);
    const connect: ConnectFigures = {
      clients,
      nodes: target.pids.length,
      confirmed: opened.confirmed,
      failed: opened.failed,
      errors: opened.errors,
      connectMs: opened.ms,
      serverCpuConnect,
      othersCpuConnect,
      listenOverflows: listenOverflows() - overflowsBefore,
      loopMaxConnectMs: after.maxMs,
      rssBeforeMb: before.procRss / 2 ** 20,
      rssAfterMb: after.procRss / 2 ** 20,
      rssPerConnKb: (after.procRss - before.procRss) / n / 1024,
      heapPerConnKb: (after.heapUsed - before.heapUsed) / n / 1024,
    };
    return { target, load, connect, end };
  } catch (err) {
    await end().catch(() => undefined);
    throw err;
  }
}

const WARM_UP_CLIENTS = 20;

/** Connect, subscribe and drop a few clients first, so lazy first-use work (module loads, query compilers, JIT) is not
 * counted as the cost of the measured connections: a server in service has long done it. */
async function warmUp(req: Pick<OpenRequest, 'urls' | 'tokens' | 'identifiers'>): Promise<void> {
  const pool = new ClientPool({ type: 'open', ...req, first: 0, count: WARM_UP_CLIENTS, window: WARM_UP_CLIENTS, timeoutMs: 60_000 }, () => undefined);
  const { failed, errors } = await pool.open();
  pool.closeAll();
  if (failed > 0) throw new Error(`warm-up clients failed: ${errors.join('; ')}`);
  await sleep(200);
}

/** Per-pid figures of a CpuMeter over [...target.pids, ...load pids] → the server's total (all nodes) and the clients'. */
export function splitCpu(values: number[], target: Target): { server: number; clients: number } {
  const n = target.pids.length;
  const total = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0));
  return { server: total(values.slice(0, n)), clients: total(values.slice(n)) };
}

/** Wait `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
