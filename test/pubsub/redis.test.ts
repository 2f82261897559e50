// Both Redis modes, plain RedisAdapter and the history broker that createPubSub builds with CABLE_HISTORY_LIMIT > 0,
// through the same cases: the shared contract, byte-level interop with Rails' redis adapter (plain PUBLISH/SUBSCRIBE
// with ioredis), one SUBSCRIBE per stream per process, and outages against a private redis-server that is killed,
// restarted, or refuses one of our two connections.

import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import type { MessagePosition, PubSubAdapter } from '../../src/pubsub/adapter';
import { createRedisAdapter, INTERNAL_CHANNEL, prefixedChannel, reconnectDelay } from '../../src/pubsub/redis';
import { POSITIONS_STREAM } from '../../src/broker/redis-history';
import { createBroker } from '../../src/broker/index';
import { MemorySessionStore } from '../../src/broker/sessions';
import { createPubSub } from '../../src/pubsub/index';
import type { Logger } from '../../src/log/logger';
import { BroadcastFailedError } from '../../src/errors';
import { describeAdapterContract } from './adapter.case';
import { capturingLogger } from '../support/logger';
import { startRedisServer, stopProcess } from '../support/redis-server';
import { describeIf, describeWithService, freePort, hasCommand, TEST_REDIS_URL, uniqueName } from '../support/services';
import { sleep, waitFor } from '../support/wait';

describe('redis channel naming', () => {
  it('joins the prefix with ":" and leaves bare streams without one', () => {
    expect(prefixedChannel('powernode_cable', 'chat_42')).toBe('powernode_cable:chat_42');
    expect(prefixedChannel('', 'chat_42')).toBe('chat_42');
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 6, 7, 50].map((n) => reconnectDelay(n))).toEqual([100, 200, 400, 3200, 5000, 5000]);
  });
});

/** How one Redis mode is opened: on the shared test Redis under `prefix`, or on a private server for outages. */
interface RedisMode {
  label: string;
  history: boolean;
  open(url: string, channelPrefix: string, logger?: Logger): Promise<PubSubAdapter>;
}

const MODES: RedisMode[] = [
  {
    label: 'plain RedisAdapter',
    history: false,
    open: (url, channelPrefix, logger) => createRedisAdapter({ url, channelPrefix, logger, maxRetryDelayMs: 200 }),
  },
  {
    label: 'history broker (createBroker, CABLE_HISTORY_LIMIT=100)',
    history: true,
    open: async (url, channelPrefix, logger) =>
      createBroker(await createPubSub({ adapter: 'redis', redisUrl: url, channelPrefix, solidCablePollMs: 100 }, logger), { limit: 100, ttlSeconds: 300 }, logger).pubsub,
  },
];

for (const mode of MODES) {
  describeWithService(`Redis pub/sub: ${mode.label}`, TEST_REDIS_URL, () => {
    const prefix = uniqueName('pc_test');
    const open = (channelPrefix = prefix) => mode.open(TEST_REDIS_URL, channelPrefix);

    describeAdapterContract(mode.label, () => open());

    describe('interop with Rails (plain Redis clients)', () => {
      let adapter: PubSubAdapter;
      let plain: Redis;
      beforeAll(async () => {
        adapter = await open();
        plain = new Redis(TEST_REDIS_URL);
      });
      afterAll(async () => {
        await adapter.shutdown();
        await plain.quit();
      });

      it('delivers a Rails-style PUBLISH <prefix>:<stream> to the handler verbatim, without a position', async () => {
        const got: Array<[string, MessagePosition | undefined]> = [];
        await adapter.subscribe('chat_42', (p, pos) => got.push([p, pos]));
        expect(await plain.publish(`${prefix}:chat_42`, '{"text":"hi"}')).toBe(1);
        await waitFor(() => got.length === 1, 2000, 'delivery');
        expect(got).toEqual([['{"text":"hi"}', undefined]]);
        await adapter.broadcast('chat_42', '{"text":"ours"}');
        await waitFor(() => got.length === 2, 2000, 'own delivery');
        expect(got[1]).toEqual(['{"text":"ours"}', mode.history ? { offset: 1, epoch: expect.any(String) } : undefined]);
      });

      it('publishes exactly <prefix>:<stream> with the payload bytes unchanged, once per broadcast', async () => {
        const listener = new Redis(TEST_REDIS_URL);
        const stream = 'notification:Z2lkOi8vcG93ZXJub2RlL1VzZXIvMQ';
        try {
          const got: Array<[string, Buffer]> = [];
          listener.on('messageBuffer', (channel: Buffer, message: Buffer) => got.push([channel.toString(), message]));
          await listener.subscribe(`${prefix}:${stream}`);
          const payload = '{"title":"\\u003cb\\u003e caf\u00e9 ✓","n":1}';
          await adapter.broadcast(stream, payload);
          await adapter.broadcast(stream, payload);
          await waitFor(() => got.length === 2, 2000, 'plain subscriber');
          await sleep(50);
          expect(got).toHaveLength(2);
          for (const [channel, bytes] of got) {
            expect(channel).toBe(`${prefix}:${stream}`);
            expect(bytes.equals(Buffer.from(payload, 'utf8'))).toBe(true);
          }
        } finally {
          await listener.quit();
        }
      });

      it('publishes bare stream names when no prefix is configured', async () => {
        const bare = await open('');
        const listener = new Redis(TEST_REDIS_URL);
        const stream = uniqueName('bare');
        try {
          const got: string[] = [];
          listener.on('message', (channel: string, message: string) => got.push(`${channel} ${message}`));
          await listener.subscribe(stream);
          await bare.broadcast(stream, '{"a":1}');
          await waitFor(() => got.length === 1, 2000, 'bare delivery');
          expect(got).toEqual([`${stream} {"a":1}`]);
        } finally {
          await listener.quit();
          await bare.shutdown();
        }
      });

      it('SUBSCRIBEs one channel per stream (its exact name) and UNSUBSCRIBEs when the last local handler leaves', async () => {
        const channel = `${prefix}:refcount`;
        const numsub = async () => Number(((await plain.pubsub('NUMSUB', channel)) as [string, number])[1]);
        const [h1, h2] = [() => undefined, () => undefined];
        await adapter.subscribe('refcount', h1);
        await adapter.subscribe('refcount', h2);
        expect(await numsub()).toBe(1);
        // Nothing else is subscribed for this stream (no per-stream side channel).
        expect(await plain.pubsub('CHANNELS', `${prefix}:*refcount*`)).toEqual([channel]);
        await adapter.unsubscribe('refcount', h1);
        expect(await numsub()).toBe(1);
        await adapter.unsubscribe('refcount', h2);
        expect(await numsub()).toBe(0);
        expect(await plain.pubsub('CHANNELS', `${prefix}:*refcount*`)).toEqual([]);
      });

      it('adds exactly one Redis subscription per new stream on its subscriber connection', async () => {
        const solo = await open(uniqueName('pc_solo'));
        try {
          const sub = async () => {
            const list = ((await plain.client('LIST')) as string).split('\n');
            const ours = list.filter((l) => l.includes(`name=ActionCable-PID-${process.pid}`) && /\bsub=[1-9]/.test(l));
            return ours.map((l) => Number(/\bsub=(\d+)/.exec(l)![1]));
          };
          const before = await sub();
          await solo.subscribe('one', () => undefined);
          await solo.subscribe('two', () => undefined);
          const after = await sub();
          expect(after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)).toBe(2);
        } finally {
          await solo.shutdown();
        }
      });

      it('subscribes to the unprefixed _action_cable_internal channel and names its connections like Rails', async () => {
        expect(await plain.pubsub('CHANNELS', INTERNAL_CHANNEL)).toEqual([INTERNAL_CHANNEL]);
        const clients = (await plain.client('LIST')) as string;
        expect(clients).toContain(`name=ActionCable-PID-${process.pid}`);
        const positions = (await plain.pubsub('NUMSUB', `${prefix}:${POSITIONS_STREAM}`)) as [string, number];
        expect(Number(positions[1])).toBe(mode.history ? 1 : 0);
      });
    });

    it('is what createPubSub and createBroker build from the configuration', async () => {
      const history = mode.history ? { limit: 100, ttlSeconds: 300 } : { limit: 0, ttlSeconds: 300 };
      const broker = createBroker(await createPubSub({ adapter: 'redis', redisUrl: TEST_REDIS_URL, channelPrefix: prefix, solidCablePollMs: 100 }), history);
      expect(broker.pubsub.name).toBe('redis');
      expect(broker.pubsub.status()).toEqual({ healthy: true });
      expect(broker.history !== undefined).toBe(mode.history);
      expect(broker.sharedSessions).toBe(mode.history);
      expect(broker.sessions instanceof MemorySessionStore).toBe(!mode.history);
      await broker.pubsub.shutdown();
    });

    if (mode.history) {
      it('hands a session snapshot only to its own identity and leaves it for the owner otherwise', async () => {
        const broker = createBroker(await createPubSub({ adapter: 'redis', redisUrl: TEST_REDIS_URL, channelPrefix: prefix, solidCablePollMs: 100 }), { limit: 100, ttlSeconds: 300 });
        const { sessions } = broker;
        const adapter = broker.pubsub;
        await sessions.save('sid-x', { identityKey: 'user:a', identifiers: ['i1'] }, 60);
        expect(await sessions.take('sid-x', 'user:b')).toBeNull();
        expect(await sessions.take('sid-x', 'user:a')).toEqual({ identityKey: 'user:a', identifiers: ['i1'] });
        expect(await sessions.take('sid-x', 'user:a')).toBeNull();
        await adapter.shutdown();
      });
    }
  });

  describeIf(`Redis pub/sub during a Redis outage: ${mode.label}`, hasCommand('redis-server'), 'redis-server is not installed', () => {
    let port: number;
    let server: ChildProcess | undefined;
    let adapter: PubSubAdapter | undefined;
    afterAll(async () => {
      await adapter?.shutdown();
      if (server) await stopProcess(server);
    });

    it('fails broadcasts fast, reports unhealthy, logs once, then resubscribes when Redis returns', async () => {
      port = await freePort();
      server = await startRedisServer(port);
      const url = `redis://127.0.0.1:${port}`;
      const { logger, lines } = capturingLogger();
      adapter = await mode.open(url, 'powernode_cable', logger);
      const got: string[] = [];
      await adapter.subscribe('chat_42', (p) => got.push(p));

      await stopProcess(server);
      // Each connection notices the drop on its own; once both have, the adapter says Redis is unreachable.
      await waitFor(() => adapter!.status().detail === 'redis unreachable', 3000, 'both connections down');
      expect(adapter.status()).toEqual({ healthy: false, detail: 'redis unreachable' });
      const started = Date.now();
      await expect(adapter.broadcast('chat_42', '{"lost":true}')).rejects.toBeInstanceOf(BroadcastFailedError);
      expect(Date.now() - started).toBeLessThan(500);
      await expect(adapter.subscribe('other', () => undefined)).rejects.toThrow(/redis unreachable/);
      // Two subscribers of one new stream at once: neither may be told it is subscribed.
      const both = await Promise.allSettled([adapter.subscribe('pair', () => undefined), adapter.subscribe('pair', () => undefined)]);
      expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      await sleep(700); // several reconnect attempts
      expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);

      server = await startRedisServer(port);
      await waitFor(() => adapter!.status().healthy, 8000, 'healthy again');
      const plain = new Redis(url);
      try {
        expect(await plain.publish('powernode_cable:chat_42', '{"text":"back"}')).toBe(1);
        await waitFor(() => got.length === 1, 2000, 'delivery after restart');
        expect(got).toEqual(['{"text":"back"}']);
        expect(await plain.pubsub('NUMSUB', 'powernode_cable:other', 'powernode_cable:pair')).toEqual(['powernode_cable:other', 0, 'powernode_cable:pair', 0]);
      } finally {
        await plain.quit();
      }
      await adapter.broadcast('chat_42', '{"text":"ours"}');
      await waitFor(() => got.length === 2, 2000, 'own broadcast after restart');
      expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
      expect(lines.some((l) => l.msg.includes('reachable again'))).toBe(true);
    }, 20000);

    it('reports unhealthy while only the publisher connection is down, and healthy once it is back', async () => {
      const plain = new Redis(`redis://127.0.0.1:${port}`);
      try {
        await waitFor(() => adapter!.status().healthy, 8000, 'healthy');
        const list = ((await plain.client('LIST')) as string).split('\n');
        const publisher = list.find((l) => l.includes(`name=ActionCable-PID-${process.pid}`) && /\bsub=0\b/.test(l) && /\bpsub=0\b/.test(l));
        expect(publisher).toBeDefined();
        // Refuse new connections, then drop the publisher: it cannot come back while the subscriber stays up.
        const connected = list.filter((l) => l.trim() !== '').length;
        await plain.config('SET', 'maxclients', String(connected - 1));
        await plain.client('KILL', 'ID', /\bid=(\d+)/.exec(publisher!)![1]!);
        await waitFor(() => !adapter!.status().healthy, 3000, 'unhealthy');
        expect(adapter!.status()).toEqual({ healthy: false, detail: 'redis publisher connection down' });
        await expect(adapter!.broadcast('chat_42', '{"lost":true}')).rejects.toBeInstanceOf(BroadcastFailedError);
        await plain.config('SET', 'maxclients', '10000');
        await waitFor(() => adapter!.status().healthy, 8000, 'publisher back');
      } finally {
        await plain.config('SET', 'maxclients', '10000').catch(() => undefined);
        await plain.quit();
      }
    }, 20000);

    it('starts unhealthy (without throwing) when Redis is down at boot, and connects when it appears', async () => {
      const bootPort = await freePort();
      const late = await mode.open(`redis://127.0.0.1:${bootPort}`, 'boot');
      let bootServer: ChildProcess | undefined;
      try {
        expect(late.status().healthy).toBe(false);
        await expect(late.broadcast('x', '{}')).rejects.toBeInstanceOf(BroadcastFailedError);
        bootServer = await startRedisServer(bootPort);
        await waitFor(() => late.status().healthy, 8000, 'healthy after late start');
        const got: string[] = [];
        await late.subscribe('x', (p) => got.push(p));
        await late.broadcast('x', '{"ok":1}');
        await waitFor(() => got.length === 1, 2000, 'delivery after late start');
      } finally {
        await late.shutdown();
        if (bootServer) await stopProcess(bootServer);
      }
    }, 20000);
  });
}
