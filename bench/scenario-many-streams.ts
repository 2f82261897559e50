// The many-streams scenario: each client subscribes to BenchStreamChannel on its own stream; each round POSTs a
// batch of broadcasts to /_broadcast, each to a different random stream. Per-broadcast server CPU must not grow
// with the number of streams, so compare the figures across client counts.

import { benchStream } from './bench-channels';
import type { BenchOptions } from './options';
import { monoMs } from './frame-scan';
import { CpuMeter } from './proc-stats';
import { wallMs } from './scenario-broadcast';
import { openSession, splitCpu, type ConnectFigures } from './session';
import { concat, percentiles, type Percentiles } from './stats';

/** Figures of one many-streams run. */
export interface ManyStreamsFigures extends ConnectFigures {
  scenario: 'many-streams';
  target: 'ours';
  batch: number;
  rounds: number;
  lostRounds: number;
  deliveries: number;
  expectedDeliveries: number;
  broadcastsPerSec: number;
  /** Server CPU per broadcast (one broadcast = one stream = one delivery here), µs. */
  serverUsPerBroadcast: number;
  rtt: Percentiles;
  fanout: Percentiles;
  serverCpu: number;
  clientCpu: number;
  othersCpu: number;
  loopMaxMs: number;
  /** The measured rounds' monotonic window (ms), to cut a --profile down to it. */
  phase: { fromMs: number; toMs: number };
}

/** Pick `k` distinct client indices out of `n`. */
function pick(n: number, k: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(k, n)) chosen.add(Math.floor(Math.random() * n));
  return [...chosen];
}

/** Run the many-streams scenario with `clients` streams. */
export async function runManyStreams(clients: number, opts: BenchOptions, profileDir?: string): Promise<ManyStreamsFigures> {
  const session = await openSession('ours', clients, ['{"channel":"BenchStreamChannel","stream":"s%i"}'], opts, profileDir);
  try {
    const { load, target } = session;
    const padding = 'x'.repeat(opts.padding);
    const url = `${target.httpUrl}/_broadcast`;
    const plan = (seq: number) => {
      const chosen = pick(clients, opts.batch);
      const expected = load.ranges.map((r) => chosen.filter((i) => i >= r.first && i < r.first + r.count).length);
      return { send: { type: 'post' as const, seq, url, streams: chosen.map((i) => benchStream(`s${i}`)), padding }, expected };
    };
    await load.runRounds([-1, -2, -3, -4, -5], opts.concurrent, plan, 30_000);
    await load.collect();
    await target.report();
    const cpu = new CpuMeter([...target.pids, ...load.pids]);
    const fromMs = monoMs();
    const { rounds, lost } = await load.runRounds(Array.from({ length: opts.samples }, (_, i) => i), opts.concurrent, plan, 30_000);
    const { server: serverCpu, clients: clientCpu } = splitCpu(cpu.percents(), target);
    const phase = { fromMs, toMs: monoMs() };
    const serverMs = splitCpu(cpu.used(), target).server;
    const othersCpu = cpu.othersPercent();
    const loop = await target.report();
    const collected = await load.collect();
    const deliveries = collected.reduce((n, c) => n + c.deliveries, 0);
    const wall = wallMs(rounds);
    return {
      scenario: 'many-streams',
      target: 'ours',
      ...session.connect,
      batch: opts.batch,
      rounds: rounds.length,
      lostRounds: lost,
      deliveries,
      expectedDeliveries: opts.samples * Math.min(opts.batch, clients),
      broadcastsPerSec: deliveries / (wall / 1000),
      serverUsPerBroadcast: (serverMs * 1000) / Math.max(1, deliveries),
      rtt: percentiles(Float64Array.from(rounds, (r) => r.lastAt - r.sentAt)),
      fanout: percentiles(concat(collected.map((c) => c.latencies))),
      serverCpu,
      clientCpu,
      othersCpu,
      loopMaxMs: loop.maxMs,
      phase,
    };
  } finally {
    await session.end();
  }
}
