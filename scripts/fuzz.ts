// `npm run fuzz [-- --frames 100000 --seed 1 --sockets 12 --rate 200 --strict]`: sends generated and mutated frames
// (test/support/fuzz) to our server running as a child process, then prints frames sent, server RSS, the max
// event-loop stall, bystander round trips, health and findings. Exits 1 on a crash or an unhealthy server.

import { parseArgs } from 'node:util';
import { killAll, killChildrenOnExit } from '../bench/children';
import { rssBytes } from '../bench/proc-stats';
import { channels } from '../channels';
import { runCampaign, type CampaignResult } from '../test/support/fuzz/campaign';
import { castFromManifest, type FuzzCast, type FuzzIdentity } from '../test/support/fuzz/cast';
import { channelCatalog } from '../test/support/fuzz/catalog';
import { checkFreshClient, checkHealth } from '../test/support/fuzz/fresh-client';
import { isolate, type Reproducer } from '../test/support/fuzz/isolate';
import { LogWatch } from '../test/support/fuzz/log-watch';
import { rosterSpecs } from '../test/support/fuzz/roster';
import { FULL_FRAME_LIMITS, FUZZ_ROTATE_AFTER_FRAMES } from '../test/support/fuzz/server-env';
import { startFuzzTarget, type FuzzTarget } from './fuzz/server-child';
import { summaryLines } from './fuzz/report';

const USAGE = 'npm run fuzz -- [--frames 100000] [--seed 1] [--sockets 12] [--rate 200 (frames/s per socket)] [--slow-ms 1000] [--strict (exit 1 on any finding)]';
const MAX_ISOLATED = 12;
/** Fatal bursts each need a new socket (and its authentication): several lanes keep up with the stream. */
const THROWAWAY_LANES = 6;

interface Options {
  frames: number;
  seed: number;
  sockets: number;
  rate: number;
  slowMs: number;
  strict: boolean;
}

function options(): Options {
  const { values } = parseArgs({ options: { frames: { type: 'string' }, seed: { type: 'string' }, sockets: { type: 'string' }, rate: { type: 'string' }, 'slow-ms': { type: 'string' }, strict: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const num = (v: string | undefined, fallback: number) => {
    const x = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(x) || x < 0) throw new Error(`bad number ${v}\n${USAGE}`);
    return x;
  };
  return { frames: num(values.frames, 100_000), seed: num(values.seed, 1), sockets: Math.max(1, num(values.sockets, 12)), rate: Math.max(1, num(values.rate, 200)), slowMs: num(values['slow-ms'], 1000), strict: values.strict === true };
}

/** The owner of the `account`-th active demo account (the bystander and the fresh client). */
function ownerOf(cast: FuzzCast, account: number): FuzzIdentity {
  const id = cast.identities.find((i) => i.role === 'owner' && i.accountId === cast.accountIds[account]) ?? cast.identities.find((i) => i.role === 'owner');
  if (!id) throw new Error('no owner in the demo data');
  return id;
}

async function fuzz(o: Options, target: FuzzTarget, logs: LogWatch, cast: FuzzCast): Promise<{ result: CampaignResult; peak: number }> {
  let peak = rssBytes(target.pid);
  let last = 0;
  const frames = { ...FULL_FRAME_LIMITS, catalog: channelCatalog(channels), cast };
  const result = await runCampaign({
    server: target.address, specs: rosterSpecs(cast, o.sockets), bystander: { identity: ownerOf(cast, 1), protocol: 'actioncable-v1-ext-json' },
    frames, seed: o.seed, totalFrames: o.frames, ratePerSocket: o.rate, throwawayLanes: THROWAWAY_LANES, rotateAfterFrames: FUZZ_ROTATE_AFTER_FRAMES,
    probeEveryBursts: 10, slowMs: o.slowMs, logs, abort: () => target.failure(),
    onProgress: (p) => {
      peak = Math.max(peak, rssBytes(target.pid));
      if (p.frames - last < 10_000) return;
      last = p.frames;
      process.stdout.write(`  ${p.frames.toLocaleString('en-US')} frames, server RSS ${(rssBytes(target.pid) / 2 ** 20).toFixed(0)} MB, findings so far ${p.findings}\n`);
    },
  });
  return { result, peak };
}

async function reproduce(target: FuzzTarget, logs: LogWatch, result: CampaignResult): Promise<Map<string, Reproducer | undefined>> {
  const out = new Map<string, Reproducer | undefined>();
  for (const [signature, suspects] of [...result.logSuspects.entries()].slice(0, MAX_ISOLATED)) {
    if (target.failure()) break;
    out.set(signature, await isolate(target.address, logs, signature, suspects, FULL_FRAME_LIMITS.maxFrameBytes));
  }
  return out;
}

async function main(): Promise<number> {
  const o = options();
  killChildrenOnExit();
  const logs = new LogWatch();
  process.stdout.write(`fuzz: starting the server (src/main.ts, seeded SQLite) …\n`);
  const target = await startFuzzTarget(logs);
  const cast = castFromManifest(target.manifest);
  const before = await target.report();
  process.stdout.write(`fuzz: ${o.frames.toLocaleString('en-US')} frames, seed ${o.seed}, ${o.sockets} sockets at ≤${o.rate} frames/s each + ${THROWAWAY_LANES} throwaway lanes + 1 bystander\n`);
  const { result, peak } = await fuzz(o, target, logs, cast);
  const after = target.failure() ? { ...before, maxMs: Number.NaN, p99Ms: Number.NaN, procRss: rssBytes(target.pid) } : await target.report();
  process.stdout.write('fuzz: isolating suspicious log lines …\n');
  const reproducers = await reproduce(target, logs, result);
  const health = await checkHealth(target.address);
  const fresh = await checkFreshClient(target.address, ownerOf(cast, 0));
  const crash = target.failure();
  const summary = { seed: o.seed, result, rss: { before: before.procRss, after: after.procRss, peak: Math.max(peak, after.procRss), heapBefore: before.heapUsed, heapAfter: after.heapUsed }, loop: after, health, fresh, logs, reproducers, crash, stderr: target.stderr };
  process.stdout.write(`${summaryLines(summary).join('\n')}\n`);
  const findings = result.findings.length + logs.findings.size;
  const failed = crash !== undefined || !health.ok || !fresh.ok || (o.strict && findings > 0);
  process.stdout.write(`fuzz: ${failed ? 'FAILED' : 'passed'}\n`);
  process.exitCode = failed ? 1 : 0; // holds even if stopping the child never settles
  await target.stop();
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`fuzz failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    killAll();
    process.exit(1);
  },
);
