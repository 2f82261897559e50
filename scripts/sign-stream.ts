// `npm run --silent sign-stream -- [--turbo] <stream name>`: print the signed name of a stream, for
// `{"channel":"$pubsub","signed_stream_name":…}` (signed with CABLE_STREAMS_SECRET) or, with `--turbo`, for
// `Turbo::StreamsChannel` (CABLE_TURBO_STREAMS_SECRET, else CABLE_STREAMS_SECRET). Reads only those settings.

import { ConfigError, loadStreamsConfig } from '../config';
import { signStreamName } from '../src/channel/signed-streams';

const USAGE = 'usage: npm run --silent sign-stream -- [--turbo] <stream name>';

function main(argv: string[]): number {
  const turbo = argv.includes('--turbo');
  const names = argv.filter((a) => a !== '--turbo' && a !== '--');
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name] = names;
  if (names.length !== 1 || name === undefined || name.length === 0 || name.startsWith('-')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const settings = loadStreamsConfig(process.env);
  const secret = turbo ? settings.turboSecret : settings.secret;
  if (!secret) {
    process.stderr.write(`sign-stream: ${turbo ? 'set CABLE_TURBO_STREAMS_SECRET (or CABLE_STREAMS_SECRET)' : 'set CABLE_STREAMS_SECRET'} to sign stream names\n`);
    return 1;
  }
  process.stdout.write(`${signStreamName(secret, name)}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`sign-stream: ${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
