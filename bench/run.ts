// `npm run bench`: the orchestrator. For each client count and target it starts a fresh server child (ours via
// bench/server-entry.ts, or the bare-`ws` ceiling), forks the load generators, runs the chosen scenario, prints a
// table (with ours/ceiling ratios) and writes .bench/results-<date>.json. Every child is killed on exit.

import path from 'node:path';
import { killAll, killChildrenOnExit, ROOT } from './children';
import { verdicts } from './goals';
import { parseOptions, USAGE, type BenchOptions, type TargetName } from './options';
import { CLIENTS_PER_SOURCE_ADDRESS } from './client-pool';
import { fdShortfall, openFilesLimit } from './fd-limit';
import { railsUnavailable } from './rails-peer';
import { abuseTable, broadcastTable, connectTable, manyStreamsTable, machine, medianRun, partialFramesTable, saveResults, scaleTable, type Result } from './report';
import { runBroadcast, type BroadcastFigures } from './scenario-broadcast';
import { runIdleMemory, runStorm, type ConnectRun } from './scenario-connect';
import { runManyStreams, type ManyStreamsFigures } from './scenario-many-streams';
import { runAbuse, runPartialFrames, type AbuseFigures, type PartialFrameFigures } from './scenario-abuse';
import { serverKind } from './session';

const SMOKE_DEADLINE_MS = 60_000;
/** Scenarios with nothing to compare on the bare-ws ceiling. */
const OURS_ONLY: readonly string[] = ['many-streams', 'abuse', 'partial-frames'];

async function runOne(target: TargetName, clients: number, opts: BenchOptions, profileDir: string | undefined): Promise<Result> {
  switch (opts.scenario) {
    case 'broadcast':
      return runBroadcast(target, clients, opts, profileDir);
    case 'storm':
      return runStorm(target, clients, opts, profileDir);
    case 'idle-memory':
      return runIdleMemory(target, clients, opts, profileDir);
    case 'many-streams':
      return runManyStreams(clients, opts, profileDir);
    case 'abuse':
      return runAbuse(opts);
    case 'partial-frames':
      return runPartialFrames(clients, opts);
  }
}

/** CPU share (of one core) other processes may take during a measured phase before --wait-idle reruns it. */
const NOISY_NEIGHBOURS_PERCENT = 25;
const MAX_RERUNS = 3;

/** Run once; with --wait-idle, rerun (a few times) a run whose measured phase shared the CPU with other work. */
async function runQuietly(target: TargetName, clients: number, opts: BenchOptions, profileDir: string | undefined): Promise<Result> {
  let row = await runOne(target, clients, opts, profileDir);
  for (let i = 0; opts.waitIdle > 0 && i < MAX_RERUNS && othersCpu(row) > NOISY_NEIGHBOURS_PERCENT; i += 1) {
    process.stderr.write(`note: other processes took ${othersCpu(row).toFixed(0)}% CPU during ${target} at ${clients}; running it again\n`);
    row = await runOne(target, clients, opts, profileDir);
  }
  return row;
}

function othersCpu(r: Result): number {
  return 'othersCpu' in r ? r.othersCpu : r.othersCpuConnect;
}

function tableFor(opts: BenchOptions, rows: Result[]): string {
  if (opts.scenario === 'broadcast') return broadcastTable(rows as BroadcastFigures[]);
  if (opts.scenario === 'many-streams') return manyStreamsTable(rows as ManyStreamsFigures[]);
  if (opts.scenario === 'abuse') return abuseTable(rows as AbuseFigures[]);
  if (opts.scenario === 'partial-frames') return partialFramesTable(rows as PartialFrameFigures[]);
  return connectTable(rows as ConnectRun[]);
}

/** Whether a result is complete: every client confirmed and every expected delivery arrived. */
function isComplete(r: Result): boolean {
  const delivered = 'deliveries' in r ? r.deliveries === r.expectedDeliveries && r.lostRounds === 0 && Number.isFinite(r.rtt.p95) : true;
  return r.failed === 0 && r.confirmed === r.clients && delivered;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) return void process.stdout.write(`${USAGE}\n`), 0;
  const opts = parseOptions(argv);
  killChildrenOnExit();
  if (opts.smoke) setTimeout(() => (process.stderr.write('smoke run over its deadline\n'), killAll(), process.exit(1)), SMOKE_DEADLINE_MS).unref();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const command = `npm run bench -- ${argv.join(' ')}`.trim();
  const m = machine();
  process.stdout.write(`bench ${opts.scenario} (our server: ${serverKind(opts)}): clients ${opts.clients.join(',')}, samples ${opts.samples}, concurrent ${opts.concurrent}, padding ${opts.padding} B, workers ${opts.workers}${opts.nodes > 1 ? `, ours on ${opts.nodes} nodes over Redis` : ''}; ${m.cpus}× ${m.cpuModel}, node ${m.node}\n`);
  const results: Result[] = [];
  const allRuns: Result[] = [];
  const railsWhy = opts.targets.includes('rails') ? railsUnavailable() : undefined;
  if (railsWhy) process.stdout.write(`note: skipping the rails target: ${railsWhy}\n`);
  const order = OURS_ONLY.includes(opts.scenario) ? (['ours'] as TargetName[]) : opts.targets.filter((t) => t !== 'rails' || !railsWhy);
  const limit = openFilesLimit();
  process.stdout.write(`open files (ulimit -n): ${limit.soft} (hard ${limit.hard}); source addresses: 127.0.0.1, then 127.0.0.2+ beyond ${CLIENTS_PER_SOURCE_ADDRESS} clients\n`);
  for (const clients of opts.clients) {
    const fdWhy = fdShortfall(clients, opts.workers, opts.nodes);
    if (fdWhy) {
      process.stdout.write(`\nnote: skipping ${clients} clients: ${fdWhy}\n`);
      continue;
    }
    const runs = new Map<TargetName, Result[]>(order.map((t) => [t, []]));
    for (let r = 0; r < opts.repeat; r += 1) {
      // Alternate the order so a noisy neighbour or a warm page cache does not always favour the same target.
      for (const target of r % 2 === 0 ? order : [...order].reverse()) {
        const profileDir = opts.profile ? path.join(ROOT, '.bench', 'profiles', stamp, `${opts.scenario}-${clients}-${target}-${r}`) : undefined;
        const row = await runQuietly(target, clients, opts, profileDir);
        runs.get(target)?.push(row);
        if (profileDir && 'phase' in row) process.stdout.write(`profiles: ${path.relative(ROOT, profileDir)}/{server,clients}/ (measured rounds: --from ${row.phase.fromMs.toFixed(0)} --to ${row.phase.toMs.toFixed(0)})\n`);
        if (!isComplete(row)) process.stderr.write(`warning: ${target} at ${clients}: ${row.confirmed}/${row.clients} confirmed ${row.errors.join('; ')}${'deliveries' in row ? `, ${row.deliveries}/${row.expectedDeliveries} deliveries, ${row.lostRounds} rounds lost` : ''}\n`);
      }
    }
    const rows = [...runs.values()].map(medianRun);
    allRuns.push(...[...runs.values()].flat());
    results.push(...rows);
    const note = opts.repeat > 1 ? ` (median of ${opts.repeat} runs each)` : '';
    process.stdout.write(`\n${opts.scenario}, ${clients} clients${note}:\n${tableFor(opts, rows)}\n`);
  }
  const curve = results.filter((r): r is ConnectRun => (r.scenario === 'idle-memory' || r.scenario === 'storm') && r.target === 'ours');
  if (curve.length > 1) process.stdout.write(`\nscale (ours, ${opts.scenario}):\n${scaleTable(curve)}\n`);
  const checks = verdicts(results);
  if (checks.length > 0) process.stdout.write(`\ntargets:\n${checks.map((v) => `  ${v.met ? 'met    ' : 'NOT met'}  ${v.goal}: ${v.measured}`).join('\n')}\n`);
  process.stdout.write(`\nresults: ${path.relative(ROOT, saveResults({ ...opts, server: serverKind(opts) }, command, results, allRuns))}\n`);
  return allRuns.every(isComplete) ? 0 : 1;
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    killAll();
    process.exit(1);
  },
);
