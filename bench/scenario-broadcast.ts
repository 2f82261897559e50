// The fan-out scenario: every client subscribed to BenchmarkChannel (stream `all`); senders perform `broadcast`
// with a window of `--concurrent` rounds in flight. A round's RTT is send → the last subscriber's delivery.

import type { Round } from './load-group';
import type { BenchOptions, TargetName } from './options';
import { monoMs } from './frame-scan';
import { CpuMeter } from './proc-stats';
import { openSession, splitCpu, type ConnectFigures } from './session';
import { concat, percentiles, type Percentiles } from './stats';

/** The identifier of BenchmarkChannel. */
export const BENCHMARK_IDENTIFIER = '{"channel":"BenchmarkChannel"}';

/** Figures of one fan-out run. */
export interface BroadcastFigures extends ConnectFigures {
  scenario: 'broadcast';
  target: TargetName;
  rounds: number;
  lostRounds: number;
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSec: number;
  rtt: Percentiles;
  fanout: Percentiles;
  serverCpu: number;
  clientCpu: number;
  /** CPU taken by every other process on the machine during the rounds (noisy neighbours), % of one core. */
  othersCpu: number;
  loopMaxMs: number;
  /** The measured rounds' monotonic window (ms), to cut a --profile down to it. */
  phase: { fromMs: number; toMs: number };
  loopP99Ms: number;
}

/** Run the fan-out scenario against `name` with `clients` subscribers. */
export async function runBroadcast(name: TargetName, clients: number, opts: BenchOptions, profileDir?: string): Promise<BroadcastFigures> {
  const session = await openSession(name, clients, [BENCHMARK_IDENTIFIER], opts, profileDir);
  try {
    const { load, target } = session;
    const padding = 'x'.repeat(opts.padding);
    const senders = Math.max(1, Math.min(opts.concurrent, load.confirmed[0] ?? 1));
    const plan = (seq: number) => ({ send: { type: 'send' as const, seq, client: Math.abs(seq) % senders, padding }, expected: load.confirmed });
    const timeoutMs = 30_000 + clients * 5;
    const warmup = Array.from({ length: opts.smoke ? 2 : Math.min(20, Math.max(5, opts.samples / 10)) }, (_, i) => -(i + 1));
    await load.runRounds(warmup, opts.concurrent, plan, timeoutMs);
    await load.collect();
    await target.report(); // start a clean event-loop histogram for the measured rounds
    const cpu = new CpuMeter([...target.pids, ...load.pids]);
    const fromMs = monoMs();
    const { rounds, lost } = await load.runRounds(Array.from({ length: opts.samples }, (_, i) => i), opts.concurrent, plan, timeoutMs);
    const { server: serverCpu, clients: clientCpu } = splitCpu(cpu.percents(), target);
    const phase = { fromMs, toMs: monoMs() };
    const othersCpu = cpu.othersPercent();
    const loop = await target.report();
    const collected = await load.collect();
    const deliveries = collected.reduce((n, c) => n + c.deliveries, 0);
    return {
      scenario: 'broadcast',
      target: name,
      ...session.connect,
      rounds: rounds.length,
      lostRounds: lost,
      deliveries,
      expectedDeliveries: opts.samples * session.connect.confirmed,
      deliveriesPerSec: deliveries / (wallMs(rounds) / 1000),
      rtt: percentiles(Float64Array.from(rounds, (r) => r.lastAt - r.sentAt)),
      fanout: percentiles(concat(collected.map((c) => c.latencies))),
      serverCpu,
      clientCpu,
      othersCpu,
      loopMaxMs: loop.maxMs,
      phase,
      loopP99Ms: loop.p99Ms,
    };
  } finally {
    await session.end();
  }
}

/** First send → last delivery over all rounds. */
export function wallMs(rounds: Round[]): number {
  if (rounds.length === 0) return NaN;
  return Math.max(...rounds.map((r) => r.lastAt)) - Math.min(...rounds.map((r) => r.sentAt));
}
