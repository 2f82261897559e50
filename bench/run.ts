// `npm run bench`: the orchestrator. For each client count and target it starts a fresh server child (ours via
// bench/server-entry.ts, or the bare-`ws` ceiling), forks the load generators, runs the chosen scenario, prints a
// table (with ours/ceiling ratios) and writes .bench/results-<date>.json. Every child is killed on exit.

import path from 'node:path';
import { killAll, killChildrenOnExit, ROOT } from './children';
import { verdicts } from './goals';
import { parseOptions, USAGE, type BenchOptions, type TargetName } from './options';
import { broadcastTable, connectTable, manyStreamsTable, machine, saveResults, type Result } from './report';
import { runBroadcast, type BroadcastFigures } from './scenario-broadcast';
import { runIdleMemory, runStorm, type ConnectRun } from './scenario-connect';
import { runManyStreams, type ManyStreamsFigures } from './scenario-many-streams';

const SMOKE_DEADLINE_MS = 60_000;

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
  }
}

function tableFor(opts: BenchOptions, rows: Result[]): string {
  if (opts.scenario === 'broadcast') return broadcastTable(rows as BroadcastFigures[]);
  if (opts.scenario === 'many-streams') return manyStreamsTable(rows as ManyStreamsFigures[]);
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
  process.stdout.write(`bench ${opts.scenario}: clients ${opts.clients.join(',')}, samples ${opts.samples}, concurrent ${opts.concurrent}, padding ${opts.padding} B, workers ${opts.workers}; ${m.cpus}× ${m.cpuModel}, node ${m.node}\n`);
  const results: Result[] = [];
  for (const clients of opts.clients) {
    const rows: Result[] = [];
    for (const target of opts.scenario === 'many-streams' ? (['ours'] as const) : opts.targets) {
      const profileDir = opts.profile && target === 'ours' ? path.join(ROOT, '.bench', 'profiles', stamp, `${opts.scenario}-${clients}`) : undefined;
      const row = await runOne(target, clients, opts, profileDir);
      rows.push(row);
      if (!isComplete(row)) process.stderr.write(`warning: ${target} at ${clients}: ${row.confirmed}/${row.clients} confirmed ${row.errors.join('; ')}${'deliveries' in row ? `, ${row.deliveries}/${row.expectedDeliveries} deliveries, ${row.lostRounds} rounds lost` : ''}\n`);
    }
    results.push(...rows);
    process.stdout.write(`\n${opts.scenario}, ${clients} clients:\n${tableFor(opts, rows)}\n`);
  }
  const checks = verdicts(results);
  if (checks.length > 0) process.stdout.write(`\ntargets (issue 11):\n${checks.map((v) => `  ${v.met ? 'met    ' : 'NOT met'}  ${v.goal}: ${v.measured}`).join('\n')}\n`);
  process.stdout.write(`\nresults: ${path.relative(ROOT, saveResults(opts, command, results))}\n`);
  return results.every(isComplete) ? 0 : 1;
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
