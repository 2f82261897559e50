// Our server as the bench runs it: assembleServer from src/main.ts with the app's channels, BenchmarkChannel
// (CABLE_BENCHMARK_CHANNEL=1), the bench-only channels, the configured pub/sub (memory unless --nodes) and the
// bench identity store. Settings come from the environment like `npm start`; prints `BENCH_READY {"port":N}` once listening, stops on SIGTERM.

import { loadConfig } from '../config';
import { channels } from '../channels';
import { createLogger } from '../src/log/logger';
import { assembleServer } from '../src/main';
import { createPubSub } from '../src/pubsub';
import { BENCH_CHANNELS } from './bench-channels';
import { BenchIdentityStore } from './bench-store';
import { READY_PREFIX } from './messages';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const running = await assembleServer({
    config,
    logger,
    pubsub: await createPubSub(config.pubsub, logger),
    services: {},
    store: new BenchIdentityStore(),
    channels: [...channels, ...BENCH_CHANNELS],
  });
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ port: running.port, pid: process.pid })}\n`);
  const stop = () => void running.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
