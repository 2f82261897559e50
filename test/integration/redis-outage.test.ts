// A Redis outage seen from outside the server (issue "Scale-out"), with plain Redis and with the history broker:
// sockets stay open, /health says degraded, /_broadcast and /_disconnect answer 503 (never a silent drop), once Redis
// returns the live streams are resubscribed and broadcasts reach the same, still-open subscriptions again, and a
// socket opened during the outage (whose action_cable/<id> subscription failed) can be remotely disconnected after it.

import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { createPubSub } from '../../src/pubsub/index';
import { openRaw } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';
import { connectionIdentifierFor } from '../../src/auth/identity';
import { startRedisServer, stopProcess } from '../support/redis-server';
import { describeIf, freePort, hasCommand } from '../support/services';
import { sleep, waitFor } from '../support/wait';

const chat = (room: string) => JSON.stringify({ channel: 'ChatChannel', room });

for (const history of [0, 100]) {
  describeIf(`server through a Redis outage (CABLE_HISTORY_LIMIT=${history})`, hasCommand('redis-server'), 'redis-server is not installed', () => {
    let port: number;
    let redis: ChildProcess;
    let cable: TestCable;
    beforeAll(async () => {
      port = await freePort();
      redis = await startRedisServer(port);
      const pubsub = await createPubSub({ adapter: 'redis', redisUrl: `redis://127.0.0.1:${port}`, channelPrefix: 'outage', solidCablePollMs: 100 });
      cable = await startTestCable({ CABLE_HISTORY_LIMIT: String(history) }, { pubsub });
    });
    afterAll(async () => {
      await cable.stop();
      await stopProcess(redis);
    });

    const post = (path: string, body: unknown) => fetch(`${cable.httpUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const publish = (data: string) => post('/_broadcast', { stream: 'chat_out', data });
    const health = async () => ((await (await fetch(`${cable.httpUrl}/health`)).json()) as { status: string }).status;
    const down = async () => {
      await stopProcess(redis);
      // Both connections (subscriber and publisher) must have noticed; each does so on its own schedule.
      await waitFor(() => cable.pubsub.status().detail === 'redis unreachable', 5000, 'both connections down');
    };
    const up = async () => {
      redis = await startRedisServer(port);
      await waitFor(() => cable.pubsub.status().healthy, 10000, 'healthy again');
    };

    it('keeps sockets, reports degraded, refuses broadcasts and disconnects with 503, and recovers', async () => {
      const c = await openRaw(cable.urlFor(cable.userToken()));
      await c.next();
      c.send({ command: 'subscribe', identifier: chat('out') });
      expect((await c.next()).type).toBe('confirm_subscription');
      expect((await publish('{"n":1}')).status).toBe(201);
      expect((await c.next()).message).toEqual({ n: 1 });

      await down();
      expect(await health()).toBe('degraded');
      const refused = await publish('{"n":2}');
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({ error: expect.stringMatching(/redis/), published: 0 });
      const disconnect = await post('/_disconnect', { user_id: 'user-1' });
      expect(disconnect.status).toBe(503);
      expect(c.ws.readyState).toBe(c.ws.OPEN);

      await up();
      expect(await health()).toBe('ok');
      expect((await publish('{"n":3}')).status).toBe(201);
      expect((await c.next((f) => f.type !== 'ping', 5000)).message).toEqual({ n: 3 });
      c.close();
    }, 30000);

    it('subscribes the internal stream of a socket opened during the outage once Redis returns, so /_disconnect reaches it', async () => {
      await down();
      const c = await openRaw(cable.urlFor(cable.userToken('opened-in-outage')));
      expect(await c.next()).toEqual({ type: 'welcome' });
      await up();
      // The socket's own action_cable/<gid> channel gets subscribed by the retry; only then can a disconnect reach it.
      const channel = `outage:action_cable/${connectionIdentifierFor(cable.config.cable.globalIdApp, 'user', 'opened-in-outage')}`;
      const plain = new Redis(`redis://127.0.0.1:${port}`);
      try {
        const deadline = Date.now() + 10000;
        while (((await plain.pubsub('NUMSUB', channel)) as [string, number])[1] !== 1) {
          if (Date.now() > deadline) throw new Error(`${channel} was never subscribed after the outage`);
          await sleep(50);
        }
      } finally {
        await plain.quit();
      }
      const res = await post('/_disconnect', { user_id: 'opened-in-outage', reconnect: false });
      expect(res.status).toBe(202);
      expect(await c.next((f) => f.type === 'disconnect', 5000)).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
      expect((await c.closed).code).toBe(1000);
    }, 30000);
  });
}
