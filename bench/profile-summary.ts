// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): self time per function and per file, so
// what bounds the server can be read without a browser, optionally cut to a monotonic window (the `phase` a
// result JSON records). Usage: tsx bench/profile-summary.ts <file> [--from ms --to ms | --stall] [--top 25]

import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) per node id within [fromMs, toMs] (V8 timestamps are CLOCK_MONOTONIC µs, like process.hrtime). */
function selfTimes(profile: CpuProfile, fromMs: number, toMs: number): { byNode: Map<number, number>; totalMs: number } {
  const byNode = new Map<number, number>();
  let t = profile.startTime;
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0; // a sample's weight is the time until the next one
    t += profile.timeDeltas[i] ?? 0;
    if (t / 1000 < fromMs || t / 1000 > toMs) return;
    byNode.set(id, (byNode.get(id) ?? 0) + delta / 1000);
    totalMs += delta / 1000;
  });
  return { byNode, totalMs };
}

/** The longest stretch (monotonic ms) without an idle sample: the worst event-loop stall the profile saw. */
export function longestBusy(profile: CpuProfile): { fromMs: number; toMs: number } {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let t = profile.startTime;
  let start = -1;
  let best = { fromMs: 0, toMs: 0 };
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (!idle.has(id)) return void (start < 0 && (start = t));
    if (start >= 0 && t - start > (best.toMs - best.fromMs) * 1000) best = { fromMs: start / 1000, toMs: t / 1000 };
    start = -1;
  });
  return best;
}

/** Self time (ms) per function label and per file, largest first. */
export function summarise(profile: CpuProfile, fromMs = -Infinity, toMs = Infinity): { totalMs: number; functions: Array<[string, number]>; files: Array<[string, number]> } {
  const { byNode, totalMs } = selfTimes(profile, fromMs, toMs);
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = byNode.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? shorten(url) : '(native)';
    const label = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(label, (functions.get(label) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  const byTime = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, functions: byTime(functions), files: byTime(files) };
}

function shorten(url: string): string {
  const local = url.replace(/^file:\/\//, '');
  const nm = local.lastIndexOf('node_modules/');
  if (nm >= 0) return local.slice(nm + 'node_modules/'.length);
  return local.startsWith('/') ? path.relative(path.resolve(__dirname, '..'), local) : local;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args[0];
  const opt = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--from ms --to ms | --stall] [--top 25]');
  const top = opt('top', 25);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const stall = longestBusy(profile);
  process.stdout.write(`longest busy stretch: ${(stall.toMs - stall.fromMs).toFixed(0)} ms (--from ${stall.fromMs.toFixed(0)} --to ${stall.toMs.toFixed(0)})\n`);
  const window = args.includes('--stall') ? stall : { fromMs: opt('from', -Infinity), toMs: opt('to', Infinity) };
  const { totalMs, functions, files } = summarise(profile, window.fromMs, window.toMs);
  const pct = (ms: number) => `${((ms / totalMs) * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`profile ${path.basename(file)}: ${(totalMs / 1000).toFixed(2)} s of samples (idle included)\n\nself time by function:\n`);
  for (const [label, ms] of functions.slice(0, top)) process.stdout.write(`  ${pct(ms)}  ${label}\n`);
  process.stdout.write('\nself time by file:\n');
  for (const [label, ms] of files.slice(0, 12)) process.stdout.write(`  ${pct(ms)}  ${label}\n`);
}
