// createBroker: the one place that decides whether streams get positions and history. A single memory node keeps
// them in process (LocalHistory); Redis keeps them in Redis and shares session snapshots (RedisHistory); everything
// else, and any backend with CABLE_HISTORY_LIMIT=0, is plain pub/sub with in-process session snapshots.

import type { PubSubAdapter } from '../pubsub/adapter';
import { isRedisAdapter } from '../pubsub/redis';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';
import type { Broker, HistoryLimits } from './broker';
import { LocalHistory } from './local-history';
import { RedisHistory } from './redis-history';
import { MemorySessionStore } from './sessions';

export type { Broker, HistoryEntry, HistoryLimits, HistoryQuery, HistoryReader } from './broker';

/** The broker for `pubsub` with history bounded by `limits` (a limit of 0 turns history off). */
export function createBroker(pubsub: PubSubAdapter, limits: HistoryLimits, logger: Logger = silentLogger): Broker {
  if (limits.limit > 0 && isRedisAdapter(pubsub)) {
    const redis = new RedisHistory(pubsub, pubsub.publisher, pubsub.prefix, limits, logger.child({ component: 'broker' }));
    return { pubsub: redis, history: redis, sessions: redis, sharedSessions: true };
  }
  if (limits.limit > 0 && pubsub.name === 'memory') {
    const local = new LocalHistory(pubsub, limits);
    return { pubsub: local, history: local, sessions: new MemorySessionStore(), sharedSessions: false };
  }
  return { pubsub, sessions: new MemorySessionStore(), sharedSessions: false };
}
