// `npm run conformance:rails` (= `npx tsx scripts/compare-rails.ts`): side-by-side wire comparison of our server
// with a real Rails ActionCable 6.1 peer (../shared/peers/actioncable-rails, started separately with ./start.sh).
// The parts live in scripts/conformance/ (options, client, sessions, compare, report, our-server, run).
//
// The SAME scripted raw-`ws` sessions run against (a) the Rails peer and (b) our server, started here as a child
// process (`npx tsx src/main.ts`) on a free port with a throw-away SQLite database, CABLE_BENCHMARK_CHANNEL=1.
// Every received frame is recorded as exact text (key order and escaping included), plus close codes, negotiated
// sub-protocols, handshake headers and HTTP statuses. Ping timestamps are normalised to <int> before comparing
// (they are shown verbatim). Each session ends in one verdict: identical / intended difference / UNEXPECTED.
//
// Options:  --peer ws://127.0.0.1:28080/cable   (or PEER_URL)   the Rails peer
//           --only <name>[,<name>]                              run only these sessions
//           --json <file>                                       also write every transcript as JSON
//           --no-fail                                           exit 0 even with UNEXPECTED differences
//           --help                                              print the options
// When the peer runs with the redis adapter (`CABLE_ADAPTER=redis ./start.sh`), our server is started with
// PUBSUB_ADAPTER=redis on the same Redis (REDIS_URL, default redis://127.0.0.1:26379/1; channel prefix
// compare_ours) and the extra `raw-publish` session PUBLISHes raw payloads straight into Redis on both sides.
// Exit code: 1 when any session shows an UNEXPECTED difference (unless --no-fail), 2 on setup failure.

import { runConformance } from './conformance/run';

runConformance(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`compare-rails failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
