import { Hub, PreparedFrame, type HubSession } from '../../src/hub/hub';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { silentLogger } from '../../src/log/logger';
import type { MessageHandler, PubSubAdapter } from '../../src/pubsub/adapter';

class Session implements HubSession {
  frames: PreparedFrame[] = [];
  constructor(readonly ext = false) {}
  sendFrame(f: PreparedFrame): void {
    this.frames.push(f);
  }
}

/** A MemoryAdapter that counts upstream subscribe/unsubscribe calls. */
class CountingAdapter extends MemoryAdapter {
  subs = 0;
  unsubs = 0;
  override async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    this.subs += 1;
    return super.subscribe(stream, handler);
  }
  override async unsubscribe(stream: string, handler: MessageHandler): Promise<void> {
    this.unsubs += 1;
    return super.unsubscribe(stream, handler);
  }
}

describe('Hub', () => {
  it('builds one frame per identifier and shares it between sessions', async () => {
    const pubsub = new MemoryAdapter();
    const hub = new Hub(pubsub, silentLogger);
    const [a, b, c] = [new Session(), new Session(), new Session()];
    await hub.add('s', '"id1"', a);
    await hub.add('s', '"id1"', b);
    await hub.add('s', '"id2"', c);
    await pubsub.broadcast('s', '{"x":1}');
    expect(a.frames[0]).toBe(b.frames[0]);
    expect(a.frames[0]?.text).toBe('{"identifier":"id1","message":{"x":1}}');
    expect(c.frames[0]?.text).toBe('{"identifier":"id2","message":{"x":1}}');
    expect(hub.deliveryCount).toBe(3);
  });

  it('subscribes upstream once per stream and unsubscribes with the last session', async () => {
    const pubsub = new CountingAdapter();
    const hub = new Hub(pubsub, silentLogger);
    const [a, b] = [new Session(), new Session()];
    await hub.add('s', '"i"', a);
    await hub.add('s', '"j"', b);
    expect(pubsub.subs).toBe(1);
    hub.remove('s', '"i"', a);
    expect(pubsub.unsubs).toBe(0);
    hub.remove('s', '"j"', b);
    expect(pubsub.unsubs).toBe(1);
    expect(hub.streamCount).toBe(0);
  });

  it('adds the position to frames of ext sessions only', async () => {
    let deliver: MessageHandler = () => undefined;
    const pubsub = { name: 'fake', subscribe: async (_s: string, h: MessageHandler) => void (deliver = h), unsubscribe: async () => undefined, broadcast: async () => undefined, status: () => ({ healthy: true }), shutdown: async () => undefined } as PubSubAdapter;
    const hub = new Hub(pubsub, silentLogger);
    const base = new Session(false);
    const ext = new Session(true);
    await hub.add('chat', '"i"', base);
    await hub.add('chat', '"i"', ext);
    deliver('{"n":1}', { offset: 7, epoch: 'ep' });
    expect(base.frames[0]?.text).toBe('{"identifier":"i","message":{"n":1}}');
    expect(JSON.parse(ext.frames[0]?.text ?? '')).toEqual({ identifier: 'i', message: { n: 1 }, stream_id: 'chat', epoch: 'ep', offset: 7 });
  });

  it('drops payloads that are not JSON', async () => {
    const pubsub = new MemoryAdapter();
    const hub = new Hub(pubsub, silentLogger);
    const a = new Session();
    await hub.add('s', '"i"', a);
    await pubsub.broadcast('s', 'not json');
    expect(a.frames).toHaveLength(0);
  });

  it('runs decoded-message callbacks and isolates their errors', async () => {
    const pubsub = new MemoryAdapter();
    const hub = new Hub(pubsub, silentLogger);
    const seen: unknown[] = [];
    await hub.addCallback('s', () => {
      throw new Error('x');
    });
    await hub.addCallback('s', (m) => seen.push(m));
    await pubsub.broadcast('s', '{"type":"disconnect"}');
    expect(seen).toEqual([{ type: 'disconnect' }]);
  });
});
