// The targets of issue 11 and issue 22 (fan-out, memory, storm) and issue 15 (abuse, partial frames), checked against a run's
// results: each line says the measured figure, the goal and whether it was met.

import type { Result } from './report';
import type { BroadcastFigures } from './scenario-broadcast';
import type { ConnectRun } from './scenario-connect';
import type { ManyStreamsFigures } from './scenario-many-streams';
import { fmt, fmtInt } from './stats';

/** One checked target. */
export interface Verdict {
  goal: string;
  measured: string;
  met: boolean;
}

/** Check every target the results can speak to. */
export function verdicts(results: Result[]): Verdict[] {
  const out: Verdict[] = [];
  const fanOut = results.filter((r): r is BroadcastFigures => r.scenario === 'broadcast');
  for (const ours of fanOut.filter((r) => r.target === 'ours' && r.clients >= 1000)) {
    const ceil = fanOut.find((r) => r.target === 'ceiling' && r.clients === ours.clients);
    if (ceil) {
      // Issue 22 (stage 2; issue 11's were 0.8× and, at 1k, 1.5×): median of three alternating runs is the measure.
      const ratio = ours.deliveriesPerSec / ceil.deliveriesPerSec;
      const figures = `${fmtInt(ours.deliveriesPerSec)} vs ${fmtInt(ceil.deliveriesPerSec)}`;
      out.push({ goal: `${ours.clients} subscribers: deliveries/s ≥ 0.95× ceiling`, measured: `${fmt(ratio, 2)}× (${figures})`, met: Number.isFinite(ratio) && ratio >= 0.95 });
      const p95 = ours.rtt.p95 / ceil.rtt.p95;
      out.push({ goal: `${ours.clients} subscribers: rtt p95 ≤ 1.0× ceiling`, measured: `${fmt(p95, 2)}× (${fmt(ours.rtt.p95)} vs ${fmt(ceil.rtt.p95)} ms)`, met: Number.isFinite(p95) && p95 > 0 && p95 <= 1.0 });
    }
    if (ours.clients >= 10_000) out.push({ goal: `${ours.clients} subscribers: no event-loop stall > 100 ms`, measured: `${fmt(ours.loopMaxMs)} ms`, met: ours.loopMaxMs <= 100 });
  }
  const streams = results.filter((r): r is ManyStreamsFigures => r.scenario === 'many-streams').sort((a, b) => a.clients - b.clients);
  const [fewest, most] = [streams[0], streams[streams.length - 1]];
  if (fewest && most && most.clients >= 10 * fewest.clients) {
    // Flat means: ten times the streams, not ten times the cost (cache misses make it drift a little).
    const growth = most.serverUsPerBroadcast / fewest.serverUsPerBroadcast;
    out.push({
      goal: `many streams: server cost per broadcast at ${most.clients} streams ≤ 1.5× that at ${fewest.clients}`,
      measured: `${fmt(most.serverUsPerBroadcast)} µs vs ${fmt(fewest.serverUsPerBroadcast)} µs (${fmt(growth, 2)}×)`,
      met: growth <= 1.5,
    });
  }
  for (const r of results) {
    if (r.target !== 'ours') continue;
    if (r.scenario === 'idle-memory' && r.clients >= 10_000) {
      // Issue 22 (stage 2; issue 11's was 15 KB), with the limits and metrics layers on at their defaults.
      const kb = r.idleRssPerConnKb ?? r.rssPerConnKb;
      out.push({ goal: `${r.clients} idle connections × 2 subscriptions: ≤ 8 KB RSS each`, measured: `${fmt(kb)} KB (heap ${fmt(r.heapPerConnKb)} KB)`, met: kb <= 8 });
    }
    if (r.scenario === 'storm' && r.clients >= 10_000) {
      // Issue 22: against the bare server greeting the same clients in the same run (issue 11's was ≤ 10 s).
      const ceil = results.find((c): c is ConnectRun => c.scenario === 'storm' && c.target === 'ceiling' && c.clients === r.clients);
      if (ceil) {
        const ratio = r.connectMs / ceil.connectMs;
        out.push({ goal: `storm of ${r.clients}: all confirmed ≤ 1.2× the ceiling's time`, measured: `${fmt(ratio, 2)}× (${fmt(r.connectMs / 1000, 2)} s vs ${fmt(ceil.connectMs / 1000, 2)} s), ${r.failed} failed`, met: r.failed === 0 && ceil.failed === 0 && ratio <= 1.2 });
      } else out.push({ goal: `storm of ${r.clients}: all confirmed ≤ 10 s (no ceiling in this run to compare with)`, measured: `${fmt(r.connectMs / 1000, 2)} s, ${r.failed} failed`, met: r.failed === 0 && r.connectMs <= 10_000 });
      out.push({ goal: `storm of ${r.clients}: no event-loop stall > 250 ms`, measured: `${fmt(r.loopMaxConnectMs)} ms`, met: r.loopMaxConnectMs <= 250 });
    }
  }
  out.push(...hostileVerdicts(results));
  return out;
}

/** Issue 15: a bystander unharmed by a flood of deep frames; stalled partial frames pin little memory, briefly. */
function hostileVerdicts(results: Result[]): Verdict[] {
  const out: Verdict[] = [];
  for (const r of results) {
    if (r.scenario === 'abuse') {
      out.push({ goal: `bystander rtt p95 ≤ 50 ms while one user floods ${r.floodPerSecond} frames/s of ${fmt(r.floodFrameBytes / 2 ** 20, 0)} MiB of \`[\``, measured: `${fmt(r.during.p95)} ms (before: ${fmt(r.baseline.p95)} ms)`, met: r.during.p95 <= 50 });
    }
    if (r.scenario === 'partial-frames' && r.clients >= 1000) {
      const growth = r.rssPeakMb - r.rssBeforeMb;
      out.push({ goal: `${r.clients} unauthenticated sockets stalling in a 16 MiB frame: RSS growth ≤ 64 MB`, measured: `${fmt(growth)} MB`, met: growth <= 64 });
      out.push({ goal: `${r.clients} stalled sockets all closed within 15 s`, measured: `${fmt(r.allClosedMs / 1000, 2)} s, ${r.stillOpen} still open`, met: r.stillOpen === 0 && r.allClosedMs <= 15_000 });
    }
  }
  return out;
}
