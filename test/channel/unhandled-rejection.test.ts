// Review finding: StreamSet.add() pushes the hub's `entry.ready` promise into `pending`, and only
// subscribeToChannel() → settle() ever attaches a handler. When pub/sub cannot subscribe (Redis down: the redis
// adapter rejects at once with PubSubUnavailableError) the promise rejects unobserved if
//   (a) `subscribed` calls streamFrom and then rejects/throws (settle is skipped), or
//   (b) `subscribed` calls streamFrom and then awaits something (McpChannel awaits db.mcpTool.count) — the
//       rejection lands before settle() attaches its handler, or
//   (c) an action calls streamFrom (McpChannel subscribe_to_resource → ctx.follow): settle() never runs.
// Node 20 turns an unhandled rejection into an uncaught exception → process exit. To keep the test process alive,
// Hub.prototype.add is wrapped: the real promise gets a no-op catch, and the test records whether the caller had
// observed (then/catch) the returned promise by the time it rejected. it.failing until StreamSet observes every
// pending promise (proposed fix: `p.catch(() => undefined)` when pushing into `pending`, and settle()/log in actions).

import { z } from 'zod';
import { ApplicationChannel } from '../../channels/application-channel';
import { MemoryAdapter } from '../../src/pubsub/memory';
import { PubSubUnavailableError } from '../../src/errors';
import type { MessageHandler } from '../../src/pubsub/adapter';
import { Hub } from '../../src/hub/hub';
import { openRaw } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';

/** Memory pub/sub whose subscribe fails for `down_*` streams (as the redis adapter does while Redis is down). */
class PartlyDownAdapter extends MemoryAdapter {
  override async subscribe(stream: string, handler: MessageHandler): Promise<void> {
    if (stream.startsWith('down_')) throw new PubSubUnavailableError(`redis unreachable: cannot subscribe to ${stream}`);
    return super.subscribe(stream, handler);
  }
}

class StreamThenRejectChannel extends ApplicationChannel {
  static override channel = 'StreamThenRejectChannel';
  static override accepts = 'any' as const;
  override subscribed(): void {
    this.streamFrom('down_a');
    this.reject();
  }
}

class StreamThenAwaitChannel extends ApplicationChannel {
  static override channel = 'StreamThenAwaitChannel';
  static override accepts = 'any' as const;
  override async subscribed(): Promise<void> {
    this.streamFrom('down_b');
    await new Promise((r) => setTimeout(r, 20)); // a DB round trip, as McpChannel's mcpTool.count
  }
}

class FollowInActionChannel extends ApplicationChannel {
  static override channel = 'FollowInActionChannel';
  static override accepts = 'any' as const;
  static override actions = { follow: z.looseObject({}) };
  follow(): void {
    this.streamFrom('down_c');
  }
}

interface Tracked {
  stream: string;
  observed: boolean;
  /** Rejected and still not observed one macrotask later: Node would have raised unhandledRejection. */
  unhandled: boolean;
}
const tracked: Tracked[] = [];
const realAdd = Hub.prototype.add;

let cable: TestCable;
beforeAll(async () => {
  jest.spyOn(Hub.prototype, 'add').mockImplementation(function (this: Hub, stream, quoted, session) {
    const p = realAdd.call(this, stream, quoted, session);
    const t: Tracked = { stream, observed: false, unhandled: false };
    tracked.push(t);
    p.catch(() => setImmediate(() => (t.unhandled = !t.observed)));
    const view = {
      then(onOk?: (v: void) => unknown, onErr?: (e: unknown) => unknown) {
        t.observed = true;
        return p.then(onOk, onErr);
      },
      catch(onErr?: (e: unknown) => unknown) {
        t.observed = true;
        return p.catch(onErr);
      },
      finally(f?: () => void) {
        t.observed = true;
        return p.finally(f);
      },
      [Symbol.toStringTag]: 'Promise',
    };
    return view as unknown as Promise<void>;
  });
  cable = await startTestCable({}, { pubsub: new PartlyDownAdapter(), channels: [StreamThenRejectChannel, StreamThenAwaitChannel, FollowInActionChannel] });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await cable.stop();
});

function unhandledFor(stream: string): boolean {
  return tracked.some((t) => t.stream === stream && t.unhandled);
}

async function subscribe(channel: string): Promise<Record<string, unknown>> {
  const c = await openRaw(cable.urlFor(cable.userToken()));
  await c.next();
  const identifier = JSON.stringify({ channel });
  c.send({ command: 'subscribe', identifier });
  const frame = await c.next((f) => f.identifier === identifier);
  await new Promise((r) => setTimeout(r, 100));
  c.close();
  return frame;
}

describe('pub/sub subscribe failure never becomes an unhandled rejection', () => {
  it('streamFrom then reject() in subscribed', async () => {
    expect((await subscribe('StreamThenRejectChannel')).type).toBe('reject_subscription');
    expect(unhandledFor('down_a')).toBe(false);
  });

  it('streamFrom then an await in subscribed (McpChannel pattern)', async () => {
    expect((await subscribe('StreamThenAwaitChannel')).type).toBe('reject_subscription');
    expect(unhandledFor('down_b')).toBe(false);
  });

  it('streamFrom inside an action (McpChannel subscribe_to_resource pattern)', async () => {
    const c = await openRaw(cable.urlFor(cable.userToken()));
    await c.next();
    const identifier = JSON.stringify({ channel: 'FollowInActionChannel' });
    c.send({ command: 'subscribe', identifier });
    expect((await c.next((f) => f.identifier === identifier)).type).toBe('confirm_subscription');
    c.send({ command: 'message', identifier, data: JSON.stringify({ action: 'follow' }) });
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    expect(unhandledFor('down_c')).toBe(false);
  });

  it('control: the wrapper sees the rejection (the adapter really fails)', () => {
    expect(tracked.filter((t) => t.stream.startsWith('down_')).length).toBeGreaterThanOrEqual(3);
  });
});
