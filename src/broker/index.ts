// createBroker: the one place that decides whether streams get positions and history. A single memory node keeps
// them in process (LocalHistory); Redis keeps them in Redis and shares session snapshots (RedisHistory); everything
// else, and any backend with CABLE_HISTORY_LIMIT=0, is plain pub/sub with in-process session snapshots.

import type { PubSubAdapter } from '../pubsub/adapter';
import { isRedisAdapter } from '../pubsub/redis';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';
import type { Broker, HistoryLimits } from './broker';
import { LocalHistory } from './local-history';
import { MemoryPresence, type PresenceOptions, type PresenceStore } from './presence';
import { RedisHistory } from './redis-history';
import { RedisPresence } from './redis-presence';
import { MemorySessionStore } from './sessions';

export type { Broker, HistoryEntry, HistoryLimits, HistoryQuery, HistoryReader } from './broker';

/** Presence sets default to AnyCable's 15 s TTL. */
const DEFAULT_PRESENCE: PresenceOptions = { ttlSeconds: 15 };

/**
 * The broker for `pubsub` with history bounded by `limits` (a limit of 0 turns history off). Presence is kept in
 * Redis when the pub/sub is Redis (shared by every node), in process otherwise.
 */
export function createBroker(pubsub: PubSubAdapter, limits: HistoryLimits, logger: Logger = silentLogger, presenceOptions: PresenceOptions = DEFAULT_PRESENCE): Broker {
  const log = logger.child({ component: 'broker' });
  const presence: PresenceStore = isRedisAdapter(pubsub)
    ? new RedisPresence(pubsub.publisher, `${pubsub.prefix ? `${pubsub.prefix}:` : ''}__cable_presence__:`, presenceOptions, log)
    : new MemoryPresence(presenceOptions);
  if (limits.limit > 0 && isRedisAdapter(pubsub)) {
    const redis = new RedisHistory(pubsub, pubsub.publisher, pubsub.prefix, limits, log);
    return { pubsub: redis, history: redis, sessions: redis, sharedSessions: true, presence, plain: pubsub };
  }
  if (limits.limit > 0 && pubsub.name === 'memory') {
    const local = new LocalHistory(pubsub, limits);
    return { pubsub: local, history: local, sessions: new MemorySessionStore(), sharedSessions: false, presence, plain: pubsub };
  }
  return { pubsub, sessions: new MemorySessionStore(), sharedSessions: false, presence, plain: pubsub };
}
