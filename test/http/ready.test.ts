// GET /ready: 200 while the server should receive traffic; 503 naming the failing check when the database does not
// answer, when pub/sub is down, or while a graceful stop drains the sockets. GET /health stays plain liveness.

import { MemoryAdapter } from '../../src/pubsub/memory';
import { rawUpgrade } from '../support/raw-socket';
import { startTestCable } from '../support/test-cable';

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('GET /ready', () => {
  it('answers 200 with every check passing', async () => {
    const cable = await startTestCable({}, { databaseReachable: async () => true });
    try {
      expect(await get(`${cable.httpUrl}/ready`)).toEqual({ status: 200, body: { status: 'ready', checks: { database: true, pubsub: true, draining: false } } });
    } finally {
      await cable.stop();
    }
  });

  it('answers 503 when the database does not answer or pub/sub is down, while /health still answers 200', async () => {
    let dbUp = false;
    const pubsub = new MemoryAdapter();
    let pubsubUp = true;
    pubsub.status = () => ({ healthy: pubsubUp });
    const cable = await startTestCable({}, { pubsub, databaseReachable: async () => dbUp });
    try {
      expect(await get(`${cable.httpUrl}/ready`)).toMatchObject({ status: 503, body: { status: 'not_ready', checks: { database: false, pubsub: true } } });
      dbUp = true;
      pubsubUp = false;
      expect(await get(`${cable.httpUrl}/ready`)).toMatchObject({ status: 503, body: { checks: { database: true, pubsub: false } } });
      expect((await fetch(`${cable.httpUrl}/health`)).status).toBe(200);
    } finally {
      await cable.stop();
    }
  });

  it('answers 503 with draining:true while a graceful stop waits for its sockets, and refuses new upgrades with 503', async () => {
    const cable = await startTestCable({ CABLE_SHUTDOWN_TIMEOUT_MS: '1500' });
    // A peer that never completes the closing handshake keeps the drain going for CABLE_SHUTDOWN_TIMEOUT_MS.
    const stubborn = await rawUpgrade(cable.port, `/cable?token=${encodeURIComponent(cable.userToken())}`);
    await new Promise((r) => setTimeout(r, 100));
    const stopping = cable.stop();
    await new Promise((r) => setTimeout(r, 200));
    expect(cable.draining).toBe(true);
    expect(await get(`${cable.httpUrl}/ready`)).toMatchObject({ status: 503, body: { checks: { draining: true } } });
    // A socket accepted now would only be cut at the end of the drain: the client is told to come back instead.
    const late = await rawUpgrade(cable.port, `/cable?token=${encodeURIComponent(cable.userToken('late'))}`);
    expect(late.status).toBe(503);
    expect(late.head).toMatch(/\r\nRetry-After: 1\r\n/);
    await stopping;
    stubborn.socket.destroy();
  });
});
