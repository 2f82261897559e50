// Command-line options of `npm run conformance:rails` and the Redis settings both sides share when the Rails peer
// runs with its redis adapter.

/** What one comparison run is asked to do. */
export interface Options {
  /** The Rails peer's cable URL. */
  peerUrl: string;
  /** Run only the sessions of these names (all when undefined). */
  only: string[] | undefined;
  /** Also write every transcript as JSON to this file. */
  jsonOut: string | undefined;
  /** Exit 0 even with UNEXPECTED differences. */
  noFail: boolean;
  help: boolean;
}

/** The Redis both sides use when the peer runs on Redis (the peer's private Redis by default). */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:26379/1';

/** The Rails peer's Redis channel prefix. */
export const PEER_PREFIX = process.env.CABLE_CHANNEL_PREFIX ?? 'peer_ac';

/** Our server's Redis channel prefix during a comparison. */
export const OURS_PREFIX = 'compare_ours';

/** The `--help` text. */
export const USAGE = `npm run conformance:rails -- [options]   (needs the Rails peer: ../shared/peers/actioncable-rails/start.sh)

  --peer ws://127.0.0.1:28080/cable   the Rails peer (or PEER_URL)
  --only <name>[,<name>]              run only these sessions
  --json <file>                       also write every transcript as JSON
  --no-fail                           exit 0 even with UNEXPECTED differences
  --help                              this text

Exit code: 1 when any session shows an UNEXPECTED difference (unless --no-fail), 2 on setup failure.`;

/** Parse the arguments after the script name. */
export function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    peerUrl: value('peer') ?? process.env.PEER_URL ?? 'ws://127.0.0.1:28080/cable',
    only: value('only')?.split(',').map((s) => s.trim()).filter(Boolean),
    jsonOut: value('json'),
    noFail: argv.includes('--no-fail'),
    help: argv.includes('--help') || argv.includes('-h'),
  };
}
