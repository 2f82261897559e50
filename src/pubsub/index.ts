// createPubSub: picks the backend named by the configuration. Redis and solid_cable modules (and their drivers)
// are imported only when chosen, so a memory-only process never loads ioredis, pg or better-sqlite3.

import type { PubSubAdapter } from './adapter';
import { MemoryAdapter } from './memory';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';

/** The pub/sub part of the server configuration (structurally `Config['pubsub']`). */
export interface PubSubConfig {
  adapter: 'memory' | 'redis' | 'solid_cable';
  redisUrl?: string;
  channelPrefix: string;
  solidCableUrl?: string;
  solidCablePollMs: number;
}

/** Create the configured adapter; redis and solid_cable connect before this resolves (or start unhealthy and retry). */
export async function createPubSub(config: PubSubConfig, logger: Logger = silentLogger): Promise<PubSubAdapter> {
  const log = logger.child({ component: 'pubsub', adapter: config.adapter });
  switch (config.adapter) {
    case 'memory':
      return new MemoryAdapter(log);
    case 'redis':
      return createRedis(config, log);
    case 'solid_cable':
      return createSolidCable(config, log);
  }
}

async function createRedis(config: PubSubConfig, logger: Logger): Promise<PubSubAdapter> {
  if (!config.redisUrl) throw new Error('PUBSUB_ADAPTER=redis needs REDIS_URL');
  const { createRedisAdapter } = await import('./redis');
  return createRedisAdapter({ url: config.redisUrl, channelPrefix: config.channelPrefix, logger });
}

async function createSolidCable(config: PubSubConfig, logger: Logger): Promise<PubSubAdapter> {
  const url = config.solidCableUrl;
  if (!url) throw new Error('PUBSUB_ADAPTER=solid_cable needs SOLID_CABLE_DATABASE_URL or DATABASE_URL');
  const { createSolidCableAdapter, ensureSolidCableTable } = await import('./solid-cable');
  // The embedded SQLite demo owns its database; with PostgreSQL the table comes from Rails' cable schema.
  if (url.startsWith('file:')) await ensureSolidCableTable(url);
  return createSolidCableAdapter({ url, channelPrefix: config.channelPrefix, pollMs: config.solidCablePollMs, logger });
}
