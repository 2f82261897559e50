// Review finding: frames for an identifier after its `unsubscribe` (src/channel/base.ts, src/channel/periodic.ts).
// TimerSet.clear() stops future ticks, but a tick already running (async body awaiting a query) still calls
// this.transmit() afterwards, and Channel.transmit only checks the connection state, not whether the subscription
// is still live. The client gets a data frame for an identifier it unsubscribed from (anyt "no frames after
// removing subscription"); @anycable/core answers such a frame with a spurious `unsubscribe`.
// Proposed fix: a `live` flag on Channel cleared at the start of unsubscribeFromChannel (after `unsubscribed`
// runs, so hooks may still transmit as in Rails), checked in transmit(). Fixed.

import { ApplicationChannel } from '../../channels/application-channel';
import { openRaw } from '../support/ws-client';
import { startTestCable, type TestCable } from '../support/test-cable';

class SlowTickChannel extends ApplicationChannel {
  static override channel = 'SlowTickChannel';
  static override accepts = 'any' as const;
  override subscribed(): void {
    this.periodically(async () => {
      await new Promise((r) => setTimeout(r, 150)); // e.g. a DB read inside the tick
      this.transmit({ tick: 'late' });
    }, 30);
  }
}

let cable: TestCable;
beforeAll(async () => {
  cable = await startTestCable({}, { channels: [SlowTickChannel] });
});
afterAll(async () => {
  await cable.stop();
});

describe('no frames after unsubscribe', () => {
  it('an in-flight periodic tick does not transmit after unsubscribe', async () => {
    const c = await openRaw(cable.urlFor(cable.userToken()));
    await c.next();
    const identifier = JSON.stringify({ channel: 'SlowTickChannel' });
    c.send({ command: 'subscribe', identifier });
    await c.next((f) => f.identifier === identifier && f.type === 'confirm_subscription');
    await new Promise((r) => setTimeout(r, 60)); // first tick started, still awaiting
    c.send({ command: 'unsubscribe', identifier });
    try {
      await c.none((f) => f.identifier === identifier, 500);
    } finally {
      c.close();
    }
  });
});
