// The two presence stores against the same cases: join/leave events once per id, several sessions of one id, an id
// change within one session, info records, and expiry of finished sessions after the TTL (with a manual clock).
// RedisPresence runs against the local Redis.

import Redis from 'ioredis';
import { MemoryPresence, type PresenceEvent, type PresenceStore } from '../../src/broker/presence';
import { RedisPresence } from '../../src/broker/redis-presence';
import { isReachable, TEST_REDIS_URL, uniqueName } from '../support/services';

interface Subject {
  store: PresenceStore;
  advance(ms: number): void;
  sweep(): Promise<void>;
  close(): Promise<void>;
}

const subjects: Array<[string, () => Subject]> = [
  [
    'MemoryPresence',
    () => {
      let now = 1_000_000;
      const store = new MemoryPresence({ ttlSeconds: 2, now: () => now, sweepMs: 60_000 });
      return { store, advance: (ms) => void (now += ms), sweep: async () => store.sweep(), close: async () => store.close() };
    },
  ],
];
if (process.env.CI === 'true' || isReachable(TEST_REDIS_URL)) {
  subjects.push([
    'RedisPresence',
    () => {
      let now = 1_000_000;
      const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
      const store = new RedisPresence(redis, `${uniqueName('presence')}:`, { ttlSeconds: 2, now: () => now, sweepMs: 60_000 });
      return {
        store,
        advance: (ms) => void (now += ms),
        // A node refreshes its live sessions every third of the TTL; the manual clock does it before each sweep.
        sweep: async () => {
          await store.refresh();
          await store.sweep();
        },
        close: async () => {
          store.close();
          redis.disconnect();
        },
      };
    },
  ]);
}

describe.each(subjects)('%s', (_name, make) => {
  let s: Subject;
  let expired: Array<[string, PresenceEvent]>;
  beforeEach(() => {
    s = make();
    expired = [];
    s.store.onExpire((stream, event) => expired.push([stream, event]));
  });
  afterEach(() => s.close());

  it('announces an id once, however many sessions it has', async () => {
    expect(await s.store.join('room', 's1', 'alice', { tab: 1 })).toEqual([{ type: 'join', id: 'alice', info: { tab: 1 } }]);
    expect(await s.store.join('room', 's2', 'alice', { tab: 2 })).toEqual([]);
    expect(await s.store.join('room', 's3', 'bob', null)).toEqual([{ type: 'join', id: 'bob', info: null }]);
    const records = await s.store.records('room');
    expect(records.sort((a, b) => a.id.localeCompare(b.id))).toEqual([{ id: 'alice', info: { tab: 2 } }, { id: 'bob', info: null }]);
    expect(await s.store.leave('room', 's1')).toBeNull();
    expect(await s.store.leave('room', 's2')).toEqual({ type: 'leave', id: 'alice' });
    expect(await s.store.leave('room', 's2')).toBeNull();
    expect(await s.store.records('room')).toEqual([{ id: 'bob', info: null }]);
    expect(await s.store.records('elsewhere')).toEqual([]);
  });

  it('leaves the old id when a session joins again under another one', async () => {
    await s.store.join('room', 's1', 'old', null);
    expect(await s.store.join('room', 's1', 'new', { x: 1 })).toEqual([{ type: 'leave', id: 'old' }, { type: 'join', id: 'new', info: { x: 1 } }]);
    expect(await s.store.records('room')).toEqual([{ id: 'new', info: { x: 1 } }]);
  });

  it('expires a finished session after the TTL and announces the ids that left', async () => {
    await s.store.join('a', 'gone', 'carol', null);
    await s.store.join('b', 'gone', 'carol', null);
    await s.store.join('a', 'stays', 'dave', null);
    s.store.finish('gone');
    s.advance(1000);
    await s.sweep();
    expect(expired).toEqual([]);
    s.advance(1500);
    await s.sweep();
    s.advance(1500);
    await s.sweep();
    expect(expired.sort()).toEqual([['a', { type: 'leave', id: 'carol' }], ['b', { type: 'leave', id: 'carol' }]].sort());
    expect(await s.store.records('a')).toEqual([{ id: 'dave', info: null }]);
    expect(await s.store.records('b')).toEqual([]);
  });
});
