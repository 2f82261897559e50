// Boots a real cable server on port 0 with the conformance channels, an in-memory pub/sub and a fake identity
// store, and signs tokens for it.

import { loadConfig, type Config } from '../../config';
import { signToken } from '../../src/auth/jwt';
import { silentLogger, type Logger } from '../../src/log/logger';
import { assembleServer, type RunningServer } from '../../src/main';
import { MemoryAdapter } from '../../src/pubsub/memory';
import type { PubSubAdapter } from '../../src/pubsub/adapter';
import type { Broker } from '../../src/broker/broker';
import type { ChannelClass } from '../../src/channel/base';
import { FakeIdentityStore } from './fake-store';
import { TEST_CHANNELS } from './test-channels';

/** A running test server with its store and a token helper. */
export interface TestCable extends RunningServer<unknown> {
  config: Readonly<Config>;
  store: FakeIdentityStore;
  /** A valid access token for user `id` (created in the store if missing). */
  userToken(id?: string, extra?: { expiresInSeconds?: number; jti?: string | null; type?: 'access' | 'worker' | 'refresh' }): string;
  /** A valid worker token for worker `id` (created in the store if missing). */
  workerToken(id?: string): string;
  /** `ws://…/cable?token=…` for user `id`. */
  urlFor(token: string): string;
  httpUrl: string;
}

/** Start a test server; `env` overrides settings (PORT defaults to 0). */
export async function startTestCable(
  env: Record<string, string> = {},
  opts: { channels?: ChannelClass[]; pubsub?: PubSubAdapter; broker?: Broker; logger?: Logger; services?: unknown; databaseReachable?: () => Promise<boolean> } = {},
): Promise<TestCable> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CABLE_BENCHMARK_CHANNEL: '1', ...env, PORT: env.PORT ?? '0', HOST: '127.0.0.1' });
  const store = new FakeIdentityStore();
  const running = await assembleServer({
    config,
    logger: opts.logger ?? silentLogger,
    pubsub: opts.broker?.pubsub ?? opts.pubsub ?? new MemoryAdapter(),
    broker: opts.broker,
    services: (opts.services ?? {}) as unknown,
    store,
    channels: opts.channels ?? TEST_CHANNELS,
    databaseReachable: opts.databaseReachable,
  });
  const userToken: TestCable['userToken'] = (id = 'user-1', extra = {}) => {
    if (!store.users.has(id)) store.addUser({ id });
    return signToken(config.jwt, { type: extra.type ?? 'access', sub: id, expiresInSeconds: extra.expiresInSeconds ?? 900, jti: extra.jti });
  };
  const workerToken = (id = 'worker-1') => {
    if (!store.workers.has(id)) store.addWorker({ id });
    return signToken(config.jwt, { type: 'worker', sub: id, expiresInSeconds: 300, jti: null });
  };
  // Object.assign keeps the running server's getters (draining) live.
  return Object.assign(running, {
    config,
    store,
    userToken,
    workerToken,
    urlFor: (token: string) => `${running.url}?token=${encodeURIComponent(token)}`,
    httpUrl: `http://127.0.0.1:${running.port}`,
  });
}
