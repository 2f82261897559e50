// The operator endpoints through a real server: /_broadcast batches stop at the first adapter failure and say how
// many publications went out before it, `data` that is not JSON text is published as a JSON string, and
// /_disconnect refuses a wrong broadcast key (401).

import { BroadcastFailedError } from '../../src/errors';
import type { MessageHandler, PubSubAdapter } from '../../src/pubsub/adapter';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { startTestCable, type TestCable } from '../support/test-cable';

/** A memory adapter that records every publication and refuses the streams in `failing`. */
class RecordingAdapter implements PubSubAdapter {
  readonly name = 'memory';
  readonly published: Array<[string, string]> = [];
  private readonly inner = new MemoryAdapter();
  constructor(private readonly failing: Set<string>) {}
  async broadcast(stream: string, payload: string): Promise<void> {
    if (this.failing.has(stream)) throw new BroadcastFailedError(`cannot publish to ${stream}`);
    this.published.push([stream, payload]);
    await this.inner.broadcast(stream, payload);
  }
  subscribe(stream: string, handler: MessageHandler): Promise<void> {
    return this.inner.subscribe(stream, handler);
  }
  unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    return this.inner.unsubscribe(stream, handler);
  }
  status() {
    return this.inner.status();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

describe('operator endpoints', () => {
  const adapter = new RecordingAdapter(new Set(['refused']));
  let cable: TestCable;
  beforeAll(async () => {
    cable = await startTestCable({ BROADCAST_KEY: 'operator-key-123' }, { pubsub: adapter });
  });
  afterAll(async () => {
    await cable.stop();
  });
  beforeEach(() => {
    adapter.published.length = 0;
  });

  const post = (route: string, body: unknown, key = 'operator-key-123') =>
    fetch(`${cable.httpUrl}${route}`, { method: 'POST', body: JSON.stringify(body), headers: { Authorization: `Bearer ${key}` } });

  it('answers 503 with the number published when a batch fails midway, and publishes nothing after the failure', async () => {
    const res = await post('/_broadcast', [
      { stream: 'one', data: '{"n":1}' },
      { stream: 'two', data: '{"n":2}' },
      { stream: 'refused', data: '{"n":3}' },
      { stream: 'four', data: '{"n":4}' },
    ]);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: expect.stringContaining('cannot publish to refused'), published: 2 });
    expect(adapter.published).toEqual([['one', '{"n":1}'], ['two', '{"n":2}']]);
  });

  it('answers 503 with published 0 when the first publication fails', async () => {
    const res = await post('/_broadcast', { stream: 'refused', data: '{}' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: expect.stringContaining('cannot publish to refused'), published: 0 });
  });

  it('publishes JSON text verbatim and anything else as a JSON string of it', async () => {
    const res = await post('/_broadcast', [
      { stream: 's', data: '{"a":[1,"\\u003c"]}' },
      { stream: 's', data: 'plain text' },
      { stream: 's', data: '"already a string"' },
      { stream: 's', data: '{broken' },
    ]);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ broadcasts: 4 });
    expect(adapter.published.map(([, p]) => p)).toEqual(['{"a":[1,"\\u003c"]}', '"plain text"', '"already a string"', '"{broken"']);
  });

  it('refuses /_disconnect with a wrong or missing key (401) and publishes nothing', async () => {
    expect((await post('/_disconnect', { user_id: 'u1' }, 'wrong-key-000')).status).toBe(401);
    const missing = await fetch(`${cable.httpUrl}/_disconnect`, { method: 'POST', body: JSON.stringify({ user_id: 'u1' }) });
    expect(missing.status).toBe(401);
    expect(adapter.published).toEqual([]);
    expect((await post('/_disconnect', { worker_id: 'w1' })).status).toBe(202);
    expect(adapter.published).toEqual([[expect.stringMatching(/^action_cable\//), '{"type":"disconnect","reconnect":true}']]);
  });
});
