// Printing and saving results: one table per scenario and client count (with the ours/ceiling ratios for the
// fan-out scenario) and the JSON file .bench/results-<date>.json.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './children';
import type { BenchOptions } from './options';
import type { BroadcastFigures } from './scenario-broadcast';
import type { ConnectRun } from './scenario-connect';
import type { ManyStreamsFigures } from './scenario-many-streams';
import type { AbuseFigures, PartialFrameFigures } from './scenario-abuse';
import { fmt, fmtInt } from './stats';

/** Any scenario's result row. */
export type Result = BroadcastFigures | ConnectRun | ManyStreamsFigures | AbuseFigures | PartialFrameFigures;

/** The header line of the fan-out table (the smoke test looks for it). */
export const BROADCAST_HEADER = ['target', 'deliveries/s', 'rtt p50/p95/p99 ms', 'fan-out p50/p95 ms', 'RSS/conn KB', 'server CPU%', 'client CPU%', 'others CPU%', 'max loop ms', 'dps ours/ceil', 'p95 ours/ceil'];

/** A row's target label: `ours ×2` when ours ran as two nodes. */
function label(r: Result): string {
  return r.nodes > 1 ? `${r.target} ×${r.nodes}` : r.target;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The fan-out table for one client count, with ours/ceiling ratios when both ran (and ours/rails when Rails ran). */
export function broadcastTable(rows: BroadcastFigures[]): string {
  const ours = rows.find((r) => r.target === 'ours');
  const ceil = rows.find((r) => r.target === 'ceiling');
  const rails = rows.find((r) => r.target === 'rails');
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? `${fmt(a / b, 2)}×` : '—');
  const railsCells = (r: BroadcastFigures) => (rails ? (r.target === 'ours' ? [ratio(ours?.deliveriesPerSec, rails.deliveriesPerSec), ratio(ours?.rtt.p95, rails.rtt.p95)] : ['', '']) : []);
  const cells = rows.map((r) => [
    label(r),
    fmtInt(r.deliveriesPerSec),
    `${fmt(r.rtt.p50)} / ${fmt(r.rtt.p95)} / ${fmt(r.rtt.p99)}`,
    `${fmt(r.fanout.p50)} / ${fmt(r.fanout.p95)}`,
    fmt(r.rssPerConnKb),
    fmt(r.serverCpu, 0),
    fmt(r.clientCpu, 0),
    fmt(r.othersCpu, 0),
    fmt(r.loopMaxMs),
    r.target === 'ours' ? ratio(ours?.deliveriesPerSec, ceil?.deliveriesPerSec) : '',
    r.target === 'ours' ? ratio(ours?.rtt.p95, ceil?.rtt.p95) : '',
    ...railsCells(r),
  ]);
  return table(rails ? [...BROADCAST_HEADER, 'dps ours/rails', 'p95 ours/rails'] : BROADCAST_HEADER, cells);
}

/** The storm / idle-memory table. */
export function connectTable(rows: ConnectRun[]): string {
  const header = ['target', 'confirmed', 'failed', 'all confirmed in ms', 'listen overflows', 'server CPU%', 'others CPU%', 'max loop ms', 'RSS/conn KB', 'idle RSS/conn KB', 'heap/conn KB'];
  return table(
    header,
    rows.map((r) => [label(r), fmtInt(r.confirmed), fmtInt(r.failed), fmtInt(r.connectMs), fmtInt(r.listenOverflows), fmt(r.serverCpuConnect, 0), fmt(r.othersCpuConnect, 0), fmt(r.loopMaxConnectMs), fmt(r.rssPerConnKb), fmt(r.idleRssPerConnKb), fmt(r.heapPerConnKb)]),
  );
}

/** The scale curve of ours over several client counts (idle-memory or storm): time to connect and memory per connection. */
export function scaleTable(rows: ConnectRun[]): string {
  const header = ['clients', 'confirmed', 'all confirmed in ms', 'connections/s', 'RSS/conn KB', 'idle RSS/conn KB', 'heap/conn KB', 'server RSS MB', 'max loop ms'];
  return table(
    header,
    rows.map((r) => [fmtInt(r.clients), fmtInt(r.confirmed), fmtInt(r.connectMs), fmtInt(r.confirmed / (r.connectMs / 1000)), fmt(r.rssPerConnKb), fmt(r.idleRssPerConnKb), fmt(r.heapPerConnKb), fmt(r.rssAfterMb), fmt(r.loopMaxConnectMs)]),
  );
}

/** The many-streams table. */
export function manyStreamsTable(rows: ManyStreamsFigures[]): string {
  const header = ['streams', 'broadcasts/s', 'server µs/broadcast', 'POST rtt p50/p95 ms', 'delivery p50/p95/p99 ms', 'server CPU%', 'client CPU%', 'others CPU%', 'max loop ms', 'RSS/conn KB'];
  return table(
    header,
    rows.map((r) => [fmtInt(r.clients), fmtInt(r.broadcastsPerSec), fmt(r.serverUsPerBroadcast), `${fmt(r.rtt.p50)} / ${fmt(r.rtt.p95)}`, `${fmt(r.fanout.p50)} / ${fmt(r.fanout.p95)} / ${fmt(r.fanout.p99)}`, fmt(r.serverCpu, 0), fmt(r.clientCpu, 0), fmt(r.othersCpu, 0), fmt(r.loopMaxMs), fmt(r.rssPerConnKb)]),
  );
}

/** The abuse table: the bystander's echo round trips before and during the flood. */
export function abuseTable(rows: AbuseFigures[]): string {
  const header = ['flood', 'frames sent', 'attacker socket', 'bystander rtt p50/p95/p99 ms before', 'during', 'server CPU%', 'max loop ms', 'RSS MB before/after'];
  return table(
    header,
    rows.map((r) => [`${r.floodPerSecond}/s × ${fmtInt(r.floodFrameBytes)} B`, fmtInt(r.floodFrames), r.attackerOpen ? 'open' : 'closed', `${fmt(r.baseline.p50)} / ${fmt(r.baseline.p95)} / ${fmt(r.baseline.p99)}`, `${fmt(r.during.p50)} / ${fmt(r.during.p95)} / ${fmt(r.during.p99)}`, fmt(r.serverCpu, 0), fmt(r.loopMaxMs), `${fmt(r.rssBeforeMb)} / ${fmt(r.rssAfterMb)}`]),
  );
}

/** The partial-frames table: memory the stalled sockets pinned and how long until all were closed. */
export function partialFramesTable(rows: PartialFrameFigures[]): string {
  const header = ['sockets', 'upgraded', 'still open', 'RSS MB before', 'RSS MB peak', 'peak growth MB', 'all closed in ms'];
  return table(
    header,
    rows.map((r) => [fmtInt(r.clients), fmtInt(r.confirmed), fmtInt(r.stillOpen), fmt(r.rssBeforeMb), fmt(r.rssPeakMb), fmt(r.rssPeakMb - r.rssBeforeMb), fmtInt(r.allClosedMs)]),
  );
}

/** Machine facts recorded with every result file. */
export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release() };
}

/** The figure runs are ranked by: deliveries/s, broadcasts/s, time to confirm all, or idle memory. */
function primary(r: Result): number {
  if (r.scenario === 'broadcast') return r.deliveriesPerSec;
  if (r.scenario === 'many-streams') return r.broadcastsPerSec;
  if (r.scenario === 'abuse') return r.during.p95;
  if (r.scenario === 'partial-frames') return r.rssPeakMb - r.rssBeforeMb;
  return r.scenario === 'storm' ? r.connectMs : (r.idleRssPerConnKb ?? r.rssPerConnKb);
}

/** The median run of repeated runs of one target (by its primary figure). */
export function medianRun<R extends Result>(runs: R[]): R {
  const sorted = [...runs].sort((a, b) => primary(a) - primary(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as R;
}

/** Write the run to `.bench/results-<date>.json` (or `out`); returns the path. */
export function saveResults(opts: BenchOptions, command: string, results: Result[], allRuns: Result[]): string {
  const date = new Date().toISOString();
  const file = opts.out ?? path.join(ROOT, '.bench', `results-${date.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ date, command, options: opts, machine: machine(), results, allRuns }, null, 2)}\n`);
  return file;
}
