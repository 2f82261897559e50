// One measured setup: a fresh target server, its memory baseline, W load workers with N clients opened and
// subscribed, and the per-connection memory after a settle. Scenarios run their rounds on top of it.

import path from 'node:path';
import { LoadGroup } from './load-group';
import type { Opened } from './messages';
import type { BenchOptions, TargetName } from './options';
import { CpuMeter, waitForIdle } from './proc-stats';
import { startTarget, type Target } from './target';
import { benchTokens } from './tokens';

/** What opening the clients cost the server. */
export interface ConnectFigures {
  clients: number;
  confirmed: number;
  failed: number;
  errors: string[];
  /** First connect → last confirmation, ms. */
  connectMs: number;
  serverCpuConnect: number;
  othersCpuConnect: number;
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

/** Start `name`, open `clients` clients subscribed to `identifiers`, and measure memory per connection. */
export async function openSession(name: TargetName, clients: number, identifiers: string[], opts: BenchOptions, profileDir?: string): Promise<Session> {
  if (opts.waitIdle > 0) await waitForIdle(opts.waitIdle * 1000);
  const target = await startTarget(name, { ceilingMode: opts.ceilingMode, profileDir: profileDir && path.join(profileDir, 'server') });
  const load = new LoadGroup(clients, Math.min(opts.workers, clients), profileDir && path.join(profileDir, 'clients'));
  const end = async () => {
    await load.close();
    await target.stop();
  };
  try {
    const before = await target.report();
    const cpu = new CpuMeter([target.pid, ...load.pids]);
    const tokens = name === 'ours' ? benchTokens(Math.min(clients, 1000)) : [];
    const opened: Opened = await load.open({ url: target.url, tokens, identifiers, window: opts.connectWindow, timeoutMs: opts.smoke ? 15_000 : 60_000 });
    const [serverCpuConnect] = cpu.percents();
    const othersCpuConnect = cpu.othersPercent();
    await sleep(opts.smoke ? 300 : 1500);
    const after = await target.report();
    const n = Math.max(1, opened.confirmed);
    const connect: ConnectFigures = {
      clients,
      confirmed: opened.confirmed,
      failed: opened.failed,
      errors: opened.errors,
      connectMs: opened.ms,
      serverCpuConnect: serverCpuConnect ?? NaN,
      othersCpuConnect,
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

/** Wait `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
