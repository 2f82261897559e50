// One conformance run: find the Rails peer (and whether it uses Redis), start our server to match, run every
// selected session against both, print each comparison and the summary, and decide the exit code.

import { compare, verdictOf } from './compare';
import { OURS_PREFIX, parseOptions, PEER_PREFIX, REDIS_URL, USAGE, type Options } from './options';
import { startOurs, type OurServer } from './our-server';
import { httpGet } from './raw-http';
import { printServerLog, printSession, printSessionError, printSummary, writeTranscripts, type SessionResult } from './report';
import type { Session } from './session-kit';
import { selectSessions } from './sessions';
import { railsTarget, type Target } from './target';

/** Ask the peer's /health whether it runs on Redis; undefined (after saying how to start it) when unreachable. */
async function probePeer(rails: Target): Promise<boolean | undefined> {
  try {
    const h = await httpGet(`${rails.httpBase}/health`);
    const redis = /\bredis\b/.test(h.body);
    if (redis) rails.redisBenchChannel = `${PEER_PREFIX}:bench:all`;
    console.log(`Rails peer: ${rails.cableUrl} (${h.body.trim()})`);
    return redis;
  } catch {
    console.error(`The Rails peer is not reachable at ${rails.httpBase}. Start it: cd /work/shared/peers/actioncable-rails && ./start.sh`);
    return undefined;
  }
}

/** Run one session on Rails, then on ours, and print the comparison. */
async function runSession(s: Session, rails: Target, ours: Target): Promise<SessionResult> {
  try {
    const a = await s.run(rails);
    const b = await s.run(ours);
    const rows = compare(a, b);
    const verdict = verdictOf(s, rows);
    printSession(s, rows, verdict);
    return { session: s, verdict, rows, rails: a, ours: b };
  } catch (err) {
    printSessionError(s, (err as Error).message);
    return { session: s, verdict: 'error', rows: [], rails: [], ours: [], error: (err as Error).message };
  }
}

/** Run the selected sessions in order, stopping our server afterwards. */
async function runSessions(opts: Options, redis: boolean, rails: Target, ours: OurServer): Promise<SessionResult[]> {
  const results: SessionResult[] = [];
  try {
    for (const s of selectSessions(opts.only, redis)) results.push(await runSession(s, rails, ours.target));
  } finally {
    await ours.stop();
  }
  return results;
}

/** Run the comparison for `argv`; resolves with the exit code (0 ok, 1 UNEXPECTED differences, 2 setup failure). */
export async function runConformance(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const rails = railsTarget(opts.peerUrl);
  const redis = await probePeer(rails);
  if (redis === undefined) return 2;
  const ours = await startOurs(redis);
  console.log(`Our server: ${ours.target.cableUrl} (child process, throw-away SQLite, CABLE_BENCHMARK_CHANNEL=1${redis ? `, redis ${REDIS_URL} prefix ${OURS_PREFIX}` : ', memory pub/sub'})`);
  const results = await runSessions(opts, redis, rails, ours);
  printSummary(results);
  printServerLog(ours.output().trim());
  if (opts.jsonOut) writeTranscripts(opts.jsonOut, results);
  const unexpected = results.some((r) => r.verdict === 'UNEXPECTED difference' || r.verdict === 'error');
  return unexpected && !opts.noFail ? 1 : 0;
}
