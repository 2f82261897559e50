// Two real cable servers ("nodes") sharing one backend, end to end through the hub: a Rails-side publish (plain
// Redis PUBLISH, plain solid_cable INSERT) reaches a WebSocket client, and an action on one node reaches a client
// on the other.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { PubSubAdapter } from '../../src/pubsub/adapter';
import { createRedisAdapter } from '../../src/pubsub/redis';
import { createSolidCableAdapter, ensureSolidCableTable, channelHash } from '../../src/pubsub/solid-cable';
import { railsTimestamp } from '../../src/pubsub/solid-cable-store';
import { startTestCable, type TestCable } from '../support/test-cable';
import { openRaw, type RawClient } from '../support/ws-client';
import { describeWithService, TEST_REDIS_URL, uniqueName } from '../support/services';

interface Backend {
  /** A new adapter on the shared backend. */
  open(): Promise<PubSubAdapter>;
  /** Publish `payload` to `stream` the way a Rails process would, bypassing our code. */
  railsPublish(stream: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

function describeCrossNode(name: string, makeBackend: () => Promise<Backend>): void {
  describe(`two cable nodes on ${name}`, () => {
    let backend: Backend;
    let nodes: TestCable[];
    let clients: RawClient[] = [];
    const identifier = JSON.stringify({ channel: 'ChatChannel', room: 'xnode' });

    beforeAll(async () => {
      backend = await makeBackend();
      nodes = [await startTestCable({}, { pubsub: await backend.open() }), await startTestCable({}, { pubsub: await backend.open() })];
    });
    afterAll(async () => {
      clients.forEach((c) => c.close());
      for (const node of nodes ?? []) await node.stop();
      await backend?.close();
    });

    async function subscribed(node: TestCable, user: string): Promise<RawClient> {
      const client = await openRaw(node.urlFor(node.userToken(user)), { protocols: ['actioncable-v1-json'] });
      clients.push(client);
      await client.next((f) => f.type === 'welcome');
      client.send({ command: 'subscribe', identifier });
      await client.next((f) => f.type === 'confirm_subscription');
      return client;
    }

    it('delivers a Rails-side publish to a WebSocket client as a message frame', async () => {
      const client = await subscribed(nodes[0]!, 'u1');
      await backend.railsPublish('chat_xnode', '{"text":"from rails \\u003cb\\u003e"}');
      const frame = await client.next((f) => f.identifier === identifier && f.message !== undefined);
      expect(frame).toEqual({ identifier, message: { text: 'from rails <b>' } });
    });

    it('delivers a broadcast made on one node to a client connected to the other', async () => {
      const listener = await subscribed(nodes[0]!, 'u2');
      const speaker = await subscribed(nodes[1]!, 'u3');
      speaker.send({ command: 'message', identifier, data: JSON.stringify({ action: 'speak', body: 'across nodes' }) });
      const frame = await listener.next((f) => (f.message as { body?: string } | undefined)?.body === 'across nodes');
      expect(frame.message).toEqual({ body: 'across nodes', from: 'user' });
    });
  });
}

describeWithService('cross-node delivery (redis)', TEST_REDIS_URL, () => {
  describeCrossNode('redis', async () => {
    const prefix = uniqueName('pc_xnode');
    const plain = new Redis(TEST_REDIS_URL);
    return {
      open: () => createRedisAdapter({ url: TEST_REDIS_URL, channelPrefix: prefix }),
      railsPublish: async (stream, payload) => void (await plain.publish(`${prefix}:${stream}`, payload)),
      close: async () => void (await plain.quit()),
    };
  });
});

describeCrossNode('solid_cable (SQLite)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-xnode-'));
  const url = `file:${path.join(dir, 'cable.db')}`;
  await ensureSolidCableTable(url);
  const prefix = uniqueName('pc_xnode');
  return {
    open: () => createSolidCableAdapter({ url, channelPrefix: prefix, pollMs: 20 }),
    // The row is written by hand, as Rails' solid_cable would write it, not through our store.
    railsPublish: async (stream, payload) => {
      const Sqlite = require('better-sqlite3') as new (file: string) => { prepare(sql: string): { run(...p: unknown[]): unknown }; close(): void };
      const db = new Sqlite(url.slice('file:'.length));
      const channel = `${prefix}:${stream}`;
      db.prepare('INSERT INTO solid_cable_messages (created_at, channel, payload, channel_hash) VALUES (?, ?, ?, ?)').run(
        railsTimestamp(new Date()), Buffer.from(channel), Buffer.from(payload), channelHash(channel),
      );
      db.close();
    },
    close: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
