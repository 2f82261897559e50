import { LocalHistory } from '../../src/broker/local-history';
import { MemoryAdapter } from '../../src/pubsub/memory';
import type { MessagePosition } from '../../src/pubsub/adapter';

describe('LocalHistory', () => {
  let now = 1000;
  const make = (limit = 3, ttlSeconds = 60) => new LocalHistory(new MemoryAdapter(), { limit, ttlSeconds }, () => now);

  it('positions messages per stream with +1 offsets in one epoch', async () => {
    const h = make();
    const got: Array<[string, MessagePosition | undefined]> = [];
    await h.subscribe('a', (p, pos) => got.push([p, pos]));
    await h.broadcast('a', '1');
    await h.broadcast('a', '2');
    expect(got).toEqual([
      ['1', { offset: 1, epoch: h.epoch }],
      ['2', { offset: 2, epoch: h.epoch }],
    ]);
    await h.shutdown();
  });

  it('reads after an offset, rejects other epochs and evicted positions', async () => {
    const h = make(3);
    await h.subscribe('a', () => undefined);
    for (const n of [1, 2, 3, 4, 5]) await h.broadcast('a', String(n));
    expect((await h.read('a', { offset: 3, epoch: h.epoch }))?.map((e) => e.payload)).toEqual(['4', '5']);
    expect(await h.read('a', { offset: 5, epoch: h.epoch })).toEqual([]);
    expect(await h.read('a', { offset: 3, epoch: 'other' })).toBeNull();
    expect(await h.read('a', { offset: 1, epoch: h.epoch })).toBeNull();
    expect(await h.read('a', { offset: 9, epoch: h.epoch })).toBeNull();
    await h.shutdown();
  });

  it('reads since a time and forgets messages older than the TTL', async () => {
    const h = make(10, 60);
    await h.subscribe('a', () => undefined);
    now = 1000;
    await h.broadcast('a', 'old');
    now = 1050;
    await h.broadcast('a', 'new');
    expect((await h.read('a', { since: 1040 }))?.map((e) => e.payload)).toEqual(['new']);
    now = 1070;
    expect((await h.read('a', { since: 0 }))?.map((e) => e.payload)).toEqual(['new']);
    await h.shutdown();
  });

  it('keeps recording after the last handler leaves, for the TTL', async () => {
    const h = make(10, 60);
    const handler = () => undefined;
    await h.subscribe('a', handler);
    await h.broadcast('a', '1');
    await h.unsubscribe('a', handler);
    await h.broadcast('a', '2');
    expect((await h.read('a', { offset: 1, epoch: h.epoch }))?.map((e) => e.payload)).toEqual(['2']);
    await h.shutdown();
  });
});
