// The shared PubSubAdapter contract (DESIGN decision 5, cf. Rails CommonSubscriptionAdapterTest): every backend
// runs these same cases through describeAdapterContract(name, factory).

import type { MessageHandler, PubSubAdapter } from '../../src/pubsub/adapter';
import { waitFor } from '../support/wait';

/** Options of the contract run. */
export interface ContractOptions {
  /** Whether two instances from `factory` share a backend (false only for the in-process memory adapter). */
  multiNode?: boolean;
  /** Longest wait for one delivery, in ms (default 3000). */
  deliveryTimeoutMs?: number;
}

/** A handler that records every payload it receives. */
function recorder(): MessageHandler & { got: string[] } {
  const got: string[] = [];
  return Object.assign((payload: string) => void got.push(payload), { got });
}

/**
 * Run the adapter contract against `factory`, which must return a new, connected adapter on the same backend (and
 * channel prefix) on every call.
 */
export function describeAdapterContract(name: string, factory: () => Promise<PubSubAdapter>, options: ContractOptions = {}): void {
  const timeout = options.deliveryTimeoutMs ?? 3000;
  let count = 0;
  const stream = (label: string) => `contract:${label}:${++count}`;

  /** Wait until a marker broadcast on a fresh stream arrives: everything published before it has been delivered. */
  async function fence(adapter: PubSubAdapter): Promise<void> {
    const s = stream('fence');
    const h = recorder();
    await adapter.subscribe(s, h);
    await adapter.broadcast(s, '"fence"');
    await waitFor(() => h.got.length > 0, timeout, 'fence');
    await adapter.unsubscribe(s, h);
  }

  describe(`${name} adapter contract`, () => {
    let adapter: PubSubAdapter;
    beforeAll(async () => {
      adapter = await factory();
    });
    afterAll(async () => {
      await adapter?.shutdown();
    });

    it('reports healthy once created', () => {
      expect(adapter.status().healthy).toBe(true);
    });

    it('delivers a broadcast to every handler of the stream and to no other stream', async () => {
      const [a, b] = [stream('a'), stream('b')];
      const [a1, a2, b1] = [recorder(), recorder(), recorder()];
      await Promise.all([adapter.subscribe(a, a1), adapter.subscribe(a, a2), adapter.subscribe(b, b1)]);
      await adapter.broadcast(a, '{"to":"a"}');
      await waitFor(() => a1.got.length === 1 && a2.got.length === 1, timeout, 'both handlers');
      await fence(adapter);
      expect([a1.got, a2.got, b1.got]).toEqual([['{"to":"a"}'], ['{"to":"a"}'], []]);
      await Promise.all([adapter.unsubscribe(a, a1), adapter.unsubscribe(a, a2), adapter.unsubscribe(b, b1)]);
    });

    it('resolves subscribe only once a broadcast sent right after it is delivered', async () => {
      const s = stream('ready');
      const h = recorder();
      await adapter.subscribe(s, h);
      await adapter.broadcast(s, '{"n":1}');
      await waitFor(() => h.got.length === 1, timeout, 'delivery');
      expect(h.got).toEqual(['{"n":1}']);
      await adapter.unsubscribe(s, h);
    });

    it('resolves a second subscribe of a stream only once that stream is live (first one still in flight)', async () => {
      const s = stream('second');
      const [h1, h2] = [recorder(), recorder()];
      const first = adapter.subscribe(s, h1);
      await adapter.subscribe(s, h2);
      await adapter.broadcast(s, '{"n":1}');
      await first;
      await waitFor(() => h2.got.length === 1, timeout, 'second handler');
      expect(h2.got).toEqual(['{"n":1}']);
      await Promise.all([adapter.unsubscribe(s, h1), adapter.unsubscribe(s, h2)]);
    });

    it('keeps delivering to the other handlers when one throws', async () => {
      const s = stream('throws');
      const [before, after] = [recorder(), recorder()];
      const thrower: MessageHandler = () => {
        throw new Error('handler failure');
      };
      for (const h of [before, thrower, after]) await adapter.subscribe(s, h);
      await adapter.broadcast(s, '{"n":1}');
      await adapter.broadcast(s, '{"n":2}');
      await waitFor(() => after.got.length === 2, timeout, 'handler after the throwing one');
      expect([before.got, after.got]).toEqual([['{"n":1}', '{"n":2}'], ['{"n":1}', '{"n":2}']]);
      for (const h of [before, thrower, after]) await adapter.unsubscribe(s, h);
    });

    it('stops delivery after unsubscribe', async () => {
      const s = stream('unsub');
      const h = recorder();
      await adapter.subscribe(s, h);
      await adapter.unsubscribe(s, h);
      await adapter.broadcast(s, '{"n":1}');
      await fence(adapter);
      expect(h.got).toEqual([]);
    });

    it('keeps delivering while another handler of the stream remains (reference counting)', async () => {
      const s = stream('refcount');
      const [h1, h2] = [recorder(), recorder()];
      await adapter.subscribe(s, h1);
      await adapter.subscribe(s, h2);
      await adapter.unsubscribe(s, h1);
      await adapter.broadcast(s, '{"n":2}');
      await waitFor(() => h2.got.length === 1, timeout, 'remaining handler');
      await fence(adapter);
      expect([h1.got, h2.got]).toEqual([[], ['{"n":2}']]);
      await adapter.unsubscribe(s, h2);
    });

    it('preserves the order of 100 sequential broadcasts', async () => {
      const s = stream('order');
      const h = recorder();
      await adapter.subscribe(s, h);
      const sent = Array.from({ length: 100 }, (_, i) => `{"seq":${i}}`);
      for (const payload of sent) await adapter.broadcast(s, payload);
      await waitFor(() => h.got.length === 100, timeout * 2, '100 deliveries');
      expect(h.got).toEqual(sent);
      await adapter.unsubscribe(s, h);
    });

    it('delivers payload text verbatim (unicode, \\u003c escapes, a JSON string)', async () => {
      const s = stream('bytes');
      const h = recorder();
      await adapter.subscribe(s, h);
      const payloads = [
        '{"text":"héllo — 日本語 🎉 \u2028"}',
        '{"html":"\\u003cb\\u003ebold\\u003c/b\\u003e \\u0026 more"}',
        '"{\\"a\\":1}"',
        '{"nested":{"list":[1,2.5,null,true]},"empty":""}',
      ];
      for (const payload of payloads) await adapter.broadcast(s, payload);
      await waitFor(() => h.got.length === payloads.length, timeout, 'payloads');
      expect(h.got).toEqual(payloads);
      await adapter.unsubscribe(s, h);
    });

    (options.multiNode === false ? it.skip : it)('delivers broadcasts between two instances on the same backend', async () => {
      const other = await factory();
      try {
        const s = stream('nodes');
        const [here, there] = [recorder(), recorder()];
        await Promise.all([adapter.subscribe(s, here), other.subscribe(s, there)]);
        await adapter.broadcast(s, '{"from":"one"}');
        await other.broadcast(s, '{"from":"two"}');
        await waitFor(() => here.got.length === 2 && there.got.length === 2, timeout, 'cross-node delivery');
        expect(here.got).toEqual(['{"from":"one"}', '{"from":"two"}']);
        expect(there.got).toEqual(['{"from":"one"}', '{"from":"two"}']);
      } finally {
        await other.shutdown();
      }
    });

    it('shuts down cleanly, twice, with handlers still subscribed', async () => {
      const own = await factory();
      await own.subscribe(stream('shutdown'), recorder());
      await own.shutdown();
      await own.shutdown();
      expect(typeof own.status().healthy).toBe('boolean');
    });
  });
}
