// The connection scenarios: `storm` (every client connects at once with a JWT and subscribes to an
// account-scoped channel — NotificationChannel on the app server; time until all are confirmed) and `idle-memory`
// (idle authenticated connections each holding two subscriptions; server RSS per connection after a GC).

import { BENCHMARK_IDENTIFIER } from './scenario-broadcast';
import type { BenchOptions, TargetName } from './options';
import type { ServerSetup } from './server-setup';
import { openSession, sleep, type ConnectFigures } from './session';
import { RAILS_CHAT_IDENTIFIER } from './rails-peer';

/** Figures of a storm or idle-memory run. */
export interface ConnectRun extends ConnectFigures {
  scenario: 'storm' | 'idle-memory';
  target: TargetName;
  /** Idle-memory only: RSS per connection after the connections sat idle through ping ticks. */
  idleRssPerConnKb?: number;
  idleLoopMaxMs?: number;
}

/** Connect `clients` at once (window permitting) to the account channel and report how long confirmation took. */
export async function runStorm(name: TargetName, clients: number, opts: BenchOptions, profileDir?: string): Promise<ConnectRun> {
  const ids = (setup: ServerSetup) => [name === 'ours' ? setup.accountIdentifier : BENCHMARK_IDENTIFIER];
  const session = await openSession(name, clients, ids, opts, profileDir);
  await session.end();
  return { scenario: 'storm', target: name, ...session.connect };
}

/** Hold `clients` idle connections with two subscriptions each and report memory per connection. */
export async function runIdleMemory(name: TargetName, clients: number, opts: BenchOptions, profileDir?: string): Promise<ConnectRun> {
  // The Rails peer has no NotificationChannel: its second subscription is a ChatChannel room.
  const ids = (setup: ServerSetup) => [BENCHMARK_IDENTIFIER, name === 'rails' ? RAILS_CHAT_IDENTIFIER : setup.accountIdentifier];
  const session = await openSession(name, clients, ids, { ...opts, connectWindow: Math.min(opts.connectWindow, 500) }, profileDir);
  try {
    const baseline = session.connect.rssBeforeMb * 2 ** 20;
    await sleep(opts.smoke ? 500 : 7000); // a few ping ticks (3 s) and auth re-checks (5 s) on idle sockets
    const idle = await session.target.report();
    return {
      scenario: 'idle-memory',
      target: name,
      ...session.connect,
      idleRssPerConnKb: (idle.procRss - baseline) / Math.max(1, session.connect.confirmed) / 1024,
      idleLoopMaxMs: idle.maxMs,
    };
  } finally {
    await session.end();
  }
}
