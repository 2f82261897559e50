// A Redis outage seen from outside the server (issue "Scale-out"): sockets stay open, /health says degraded,
// /_broadcast answers 503 (never a silent drop), and once Redis returns the live streams are resubscribed and
// broadcasts reach the same, still-open subscriptions again.

import type { ChildProcess } from 'node:child_process';
import { createPubSub } from '../../src/pubsub/index';
import { openRaw } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';
import { describeIf, freePort, hasCommand, startRedisServer, stopProcess, waitFor } from '../pubsub/helpers';

const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });

describeIf('server through a Redis outage', hasCommand('redis-server'), 'redis-server is not installed', () => {
  let port: number;
  let redis: ChildProcess;
  let cable: TestCable;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    const pubsub = await createPubSub({ adapter: 'redis', redisUrl: `redis://127.0.0.1:${port}`, channelPrefix: 'outage', solidCablePollMs: 100 });
    cable = await startTestCable({}, { pubsub });
  });
  afterAll(async () => {
    await cable.stop();
    await stopProcess(redis);
  });

  const publish = (data: string) => fetch(`${cable.httpUrl}/_broadcast`, { method: 'POST', body: JSON.stringify({ stream: 'chat_out', data }) });
  const health = async () => ((await (await fetch(`${cable.httpUrl}/health`)).json()) as { status: string }).status;

  it('keeps sockets, reports degraded, refuses broadcasts with 503, and recovers', async () => {
    const c = await openRaw(cable.urlFor(cable.userToken()));
    await c.next();
    c.send({ command: 'subscribe', identifier: chat('out') });
    expect((await c.next()).type).toBe('confirm_subscription');
    expect((await publish('{"n":1}')).status).toBe(201);
    expect((await c.next()).message).toEqual({ n: 1 });

    await stopProcess(redis);
    await waitFor(() => cable.pubsub.status().healthy === false, 5000, 'unhealthy');
    expect(await health()).toBe('degraded');
    expect((await publish('{"n":2}')).status).toBe(503);
    expect(c.ws.readyState).toBe(c.ws.OPEN);

    redis = await startRedisServer(port);
    await waitFor(() => cable.pubsub.status().healthy, 10000, 'healthy again');
    expect(await health()).toBe('ok');
    expect((await publish('{"n":3}')).status).toBe(201);
    expect((await c.next((f) => f.type !== 'ping', 5000)).message).toEqual({ n: 3 });
    c.close();
  }, 30000);
});
