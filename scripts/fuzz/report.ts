// The text `npm run fuzz` prints at the end: frames sent per category, server memory and event-loop stall,
// bystander round trips, throwaway close codes, health, log counts, and every finding with its reproducer.

import type { CampaignResult, Finding } from '../../test/support/fuzz/campaign';
import type { CheckResult } from '../../test/support/fuzz/fresh-client';
import type { Reproducer } from '../../test/support/fuzz/isolate';
import type { LogWatch } from '../../test/support/fuzz/log-watch';

/** Everything the summary shows. */
export interface Summary {
  seed: number;
  result: CampaignResult;
  rss: { before: number; after: number; peak: number; heapBefore: number; heapAfter: number };
  loop: { maxMs: number; p99Ms: number };
  health: CheckResult;
  fresh: CheckResult;
  logs: LogWatch;
  reproducers: Map<string, Reproducer | undefined>;
  crash?: string;
  stderr: string[];
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const n = (x: number) => x.toLocaleString('en-US');
const sortedEntries = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);

function figures(s: Summary): string[] {
  const r = s.result;
  const seconds = r.durationMs / 1000;
  return [
    `frames sent          ${n(r.frames)} in ${n(r.bursts)} bursts, ${seconds.toFixed(1)} s (${n(Math.round(r.frames / seconds))} frames/s), seed ${s.seed}`,
    `  by category        ${sortedEntries(r.labels).map(([k, v]) => `${k} ${n(v)}`).join(', ')}`,
    `server RSS           before ${mb(s.rss.before)} → after ${mb(s.rss.after)} (after GC; peak during the fuzz ${mb(s.rss.peak)}); JS heap used ${mb(s.rss.heapBefore)} → ${mb(s.rss.heapAfter)}`,
    `server event loop    max stall ${s.loop.maxMs.toFixed(1)} ms, p99 ${s.loop.p99Ms.toFixed(1)} ms (perf_hooks in the server, during the fuzz)`,
    `bystander ping RTT   p50 ${r.bystander.p50.toFixed(1)} ms, p95 ${r.bystander.p95.toFixed(1)} ms, max ${r.bystander.maxMs.toFixed(1)} ms (${n(r.bystander.samples)} pings, ${r.bystander.lost} lost)`,
    `probe subscribes     ${n(r.probes.count)}, slowest ${r.probes.maxMs.toFixed(1)} ms; sockets opened ${n(r.reopened)}`,
    `throwaway sockets    ${n(r.throwaways)} (close codes: ${sortedEntries(r.closeCodes).map(([k, v]) => `${k}×${n(v)}`).join(', ') || 'none'})${r.skippedFatal ? `, ${n(r.skippedFatal)} fatal bursts skipped` : ''}`,
    `GET /health          ${s.health.ok ? 'ok' : 'FAILED'}: ${s.health.detail.slice(0, 120)}`,
    `fresh client         ${s.fresh.ok ? 'ok' : 'FAILED'}: ${s.fresh.detail} (${s.fresh.ms.toFixed(0)} ms)`,
    `server log lines     ${n(s.logs.lines)}: ${sortedEntries(s.logs.counts).map(([k, v]) => `${k} ${n(v)}`).join(', ')}`,
  ];
}

function findingLines(f: Finding): string[] {
  return [`- [${f.kind}] ${f.where}: ${f.detail}`, ...f.frames.slice(-6).map((fr) => `    sent: ${fr.slice(0, 400)}`)];
}

function logFindingLines(s: Summary): string[] {
  return [...s.logs.findings.values()].flatMap((f) => {
    const repro = s.reproducers.get(f.signature);
    const how = repro ? [`    reproduced alone on ${repro.socket} by:`, ...repro.frames.map((fr) => `      ${fr}`)] : ['    (no single suspect burst reproduced it)'];
    return [`- [log ×${f.count}] ${f.signature}`, `    example: ${f.example.slice(0, 600)}`, ...how];
  });
}

/** The summary as printable lines. */
export function summaryLines(s: Summary): string[] {
  const findings = s.result.findings.length + s.logs.findings.size + (s.crash ? 1 : 0);
  return [
    '',
    ...figures(s),
    ...(s.result.aborted ? [`ABORTED: ${s.result.aborted}`] : []),
    ...(s.crash ? [`SERVER CRASH: ${s.crash}`, ...s.stderr.slice(-30).map((l) => `    ${l}`)] : []),
    ...(s.stderr.length > 0 && !s.crash ? [`server stderr (${s.stderr.length} lines):`, ...s.stderr.slice(-10).map((l) => `    ${l}`)] : []),
    `findings             ${findings}`,
    ...s.result.findings.slice(0, 40).flatMap(findingLines),
    ...(s.result.findings.length > 40 ? [`  … ${s.result.findings.length - 40} more`] : []),
    ...logFindingLines(s),
  ];
}
