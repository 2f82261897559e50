// RedisAdapter: the shared contract, byte-level interop with Rails' redis adapter (plain PUBLISH/SUBSCRIBE with
// ioredis), upstream reference counting, and an outage against a private redis-server that is killed and restarted.

import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { createRedisAdapter, INTERNAL_CHANNEL, prefixedChannel, reconnectDelay, type RedisAdapter } from '../../src/pubsub/redis';
import { createPubSub } from '../../src/pubsub/index';
import { BroadcastFailedError } from '../../src/errors';
import { describeAdapterContract } from './adapter.case';
import { capturingLogger, describeIf, describeWithService, hasCommand, freePort, sleep, startRedisServer, stopProcess, TEST_REDIS_URL, uniqueName, waitFor } from './helpers';

describe('redis channel naming', () => {
  it('joins the prefix with ":" and leaves bare streams without one', () => {
    expect(prefixedChannel('powernode_cable', 'chat_42')).toBe('powernode_cable:chat_42');
    expect(prefixedChannel('', 'chat_42')).toBe('chat_42');
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 6, 7, 50].map((n) => reconnectDelay(n))).toEqual([100, 200, 400, 3200, 5000, 5000]);
  });
});

describeWithService('RedisAdapter', TEST_REDIS_URL, () => {
  const prefix = uniqueName('pc_test');
  const open = (channelPrefix = prefix) => createRedisAdapter({ url: TEST_REDIS_URL, channelPrefix });

  describeAdapterContract('redis', () => open());

  describe('interop with Rails (plain Redis clients)', () => {
    let adapter: RedisAdapter;
    let plain: Redis;
    beforeAll(async () => {
      adapter = await open();
      plain = new Redis(TEST_REDIS_URL);
    });
    afterAll(async () => {
      await adapter.shutdown();
      await plain.quit();
    });

    it('delivers a Rails-style PUBLISH <prefix>:<stream> to the handler verbatim', async () => {
      const got: string[] = [];
      await adapter.subscribe('chat_42', (p) => got.push(p));
      expect(await plain.publish(`${prefix}:chat_42`, '{"text":"hi"}')).toBe(1);
      await waitFor(() => got.length === 1, 2000, 'delivery');
      expect(got).toEqual(['{"text":"hi"}']);
    });

    it('publishes exactly <prefix>:<stream> with the payload bytes unchanged', async () => {
      const listener = new Redis(TEST_REDIS_URL);
      try {
        const got: Array<[string, Buffer]> = [];
        listener.on('messageBuffer', (channel: Buffer, message: Buffer) => got.push([channel.toString(), message]));
        await listener.subscribe(`${prefix}:notification:Z2lkOi8vcG93ZXJub2RlL1VzZXIvMQ`);
        const payload = '{"title":"\\u003cb\\u003e caf\u00e9 ✓","n":1}';
        await adapter.broadcast('notification:Z2lkOi8vcG93ZXJub2RlL1VzZXIvMQ', payload);
        await waitFor(() => got.length === 1, 2000, 'plain subscriber');
        expect(got[0]![0]).toBe(`${prefix}:notification:Z2lkOi8vcG93ZXJub2RlL1VzZXIvMQ`);
        expect(got[0]![1].equals(Buffer.from(payload, 'utf8'))).toBe(true);
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

    it('SUBSCRIBEs once per stream and UNSUBSCRIBEs when the last local handler leaves', async () => {
      const channel = `${prefix}:refcount`;
      const numsub = async () => Number(((await plain.pubsub('NUMSUB', channel)) as [string, number])[1]);
      const [h1, h2] = [() => undefined, () => undefined];
      await adapter.subscribe('refcount', h1);
      await adapter.subscribe('refcount', h2);
      expect(await numsub()).toBe(1);
      expect(await plain.pubsub('CHANNELS', `${prefix}:*`)).toContain(channel);
      await adapter.unsubscribe('refcount', h1);
      expect(await numsub()).toBe(1);
      await adapter.unsubscribe('refcount', h2);
      expect(await numsub()).toBe(0);
    });

    it('subscribes to the unprefixed _action_cable_internal channel and names its connections like Rails', async () => {
      expect(await plain.pubsub('CHANNELS', INTERNAL_CHANNEL)).toEqual([INTERNAL_CHANNEL]);
      const clients = (await plain.client('LIST')) as string;
      expect(clients).toContain(`name=ActionCable-PID-${process.pid}`);
    });
  });

  it('is created by createPubSub from the configuration', async () => {
    const adapter = await createPubSub({ adapter: 'redis', redisUrl: TEST_REDIS_URL, channelPrefix: prefix, solidCablePollMs: 100 });
    expect(adapter.name).toBe('redis');
    expect(adapter.status()).toEqual({ healthy: true });
    await adapter.shutdown();
  });
});

describeIf('RedisAdapter during a Redis outage', hasCommand('redis-server'), 'redis-server is not installed', () => {
  let port: number;
  let server: ChildProcess | undefined;
  let adapter: RedisAdapter | undefined;
  afterAll(async () => {
    await adapter?.shutdown();
    if (server) await stopProcess(server);
  });

  it('fails broadcasts fast, reports unhealthy, logs once, then resubscribes when Redis returns', async () => {
    port = await freePort();
    server = await startRedisServer(port);
    const url = `redis://127.0.0.1:${port}`;
    const { logger, lines } = capturingLogger();
    adapter = await createRedisAdapter({ url, channelPrefix: 'powernode_cable', logger, maxRetryDelayMs: 200 });
    const got: string[] = [];
    await adapter.subscribe('chat_42', (p) => got.push(p));

    await stopProcess(server);
    await waitFor(() => !adapter!.status().healthy, 3000, 'unhealthy');
    expect(adapter.status()).toEqual({ healthy: false, detail: 'redis unreachable' });
    const started = Date.now();
    await expect(adapter.broadcast('chat_42', '{"lost":true}')).rejects.toBeInstanceOf(BroadcastFailedError);
    expect(Date.now() - started).toBeLessThan(500);
    await expect(adapter.subscribe('other', () => undefined)).rejects.toThrow(/redis unreachable/);
    await sleep(700); // several reconnect attempts
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);

    server = await startRedisServer(port);
    await waitFor(() => adapter!.status().healthy, 5000, 'healthy again');
    const plain = new Redis(url);
    try {
      expect(await plain.publish('powernode_cable:chat_42', '{"text":"back"}')).toBe(1);
      await waitFor(() => got.length === 1, 2000, 'delivery after restart');
      expect(got).toEqual(['{"text":"back"}']);
      expect(await plain.pubsub('NUMSUB', 'powernode_cable:other')).toEqual(['powernode_cable:other', 0]);
    } finally {
      await plain.quit();
    }
    await adapter.broadcast('chat_42', '{"text":"ours"}');
    await waitFor(() => got.length === 2, 2000, 'own broadcast after restart');
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(lines.some((l) => l.msg.includes('reachable again'))).toBe(true);
  });

  it('starts unhealthy (without throwing) when Redis is down at boot, and connects when it appears', async () => {
    const bootPort = await freePort();
    const late = await createRedisAdapter({ url: `redis://127.0.0.1:${bootPort}`, maxRetryDelayMs: 100, connectTimeoutMs: 300 });
    let bootServer: ChildProcess | undefined;
    try {
      expect(late.status().healthy).toBe(false);
      await expect(late.broadcast('x', '{}')).rejects.toBeInstanceOf(BroadcastFailedError);
      bootServer = await startRedisServer(bootPort);
      await waitFor(() => late.status().healthy, 5000, 'healthy after late start');
    } finally {
      await late.shutdown();
      if (bootServer) await stopProcess(bootServer);
    }
  });
});
