// Sessions about the connection and subscription life cycle: the welcome and ping shapes, identifier key order,
// duplicate and unknown subscriptions, and unsubscribing.

import { Client } from './client';
import { BENCH, benchMsg, connected, isConfirmOrReject, onBench, PROTOCOLS, sendEach, sub, subscribed, unsub, type Session } from './session-kit';
import { urlWithToken } from './target';

/** The first ping's timestamp, judged: integer unix seconds within 2 s of now. */
function judgePing(ping: string): string {
  const m = /"message":(-?\d+(?:\.\d+)?)/.exec(ping);
  const value = m ? Number(m[1]) : NaN;
  const near = Number.isFinite(value) && Math.abs(Date.now() / 1000 - value) <= 2;
  return `${Number.isInteger(value) ? 'integer' : 'NOT integer'} unix seconds, within 2 s of now: ${near ? 'yes' : 'NO'}`;
}

/** The welcome and the first ping's shape. */
export const welcomePing: Session = {
  name: 'welcome-ping',
  title: 'welcome + first ping shape',
  async run(t) {
    const c = await Client.open(urlWithToken(t, t.validToken), PROTOCOLS, true);
    await c.until((fs) => fs.some((f) => f.startsWith('{"type":"ping"')), 4500);
    const ping = c.frames().find((f) => f.startsWith('{"type":"ping"'));
    if (ping) c.info('ping.message', judgePing(ping));
    else c.info('ping', 'no ping within 4.5 s');
    await c.close();
    return c.entries;
  },
};

/** Identifiers are echoed byte for byte, whatever their key order and spacing. */
export const identifierOrder: Session = {
  name: 'identifier-order',
  title: 'subscribe/confirm with identifier key-order variants',
  async run(t) {
    const c = await connected(t);
    for (const id of [
      BENCH,
      '{"channel":"BenchmarkChannel","a":1,"b":"x"}',
      '{"b":"x","a":1,"channel":"BenchmarkChannel"}',
      '{ "channel" : "BenchmarkChannel" }',
      '{"channel":"BenchmarkChannel","room":"<é&\u2028/>"}',
    ]) {
      await subscribed(c, id, `subscribe ${id}`);
    }
    await c.close();
    return c.entries;
  },
};

/** A repeated subscribe must not duplicate streams. */
export const duplicateSubscribe: Session = {
  name: 'duplicate-subscribe',
  title: 'duplicate subscribe ×3, then one echo (duplicate streams would show twice)',
  orderMayDiffer: true,
  async run(t) {
    const c = await connected(t);
    for (let i = 1; i <= 3; i++) c.send(`subscribe #${i}`, sub(BENCH));
    await c.until((fs) => fs.some(isConfirmOrReject(BENCH)), 3000);
    await c.settle(500);
    await sendEach(c, [
      ['echo', benchMsg('{"action":"echo","payload":"once"}')],
      ['broadcast', benchMsg('{"action":"broadcast","payload":"once"}')],
    ]);
    await c.close();
    return c.entries;
  },
};

const UNKNOWN_STEPS = [
  ['subscribe NopeChannel', sub('{"channel":"NopeChannel"}')],
  ['subscribe identifier not JSON', sub('not json')],
  ['subscribe identifier without channel', sub('{"room":"x"}')],
  ['subscribe identifier = JSON string', sub('"BenchmarkChannel"')],
] as const;

/** Unknown channels and invalid identifiers. */
export const unknownChannel: Session = {
  name: 'unknown-channel',
  title: 'subscribe to an unknown channel / invalid identifiers',
  intended: 'Rails 6.1 sends nothing; we answer reject_subscription by design decision (unknown channel, invalid identifier)',
  intendedSteps: UNKNOWN_STEPS.map(([label]) => label),
  async run(t) {
    const c = await connected(t);
    await sendEach(c, UNKNOWN_STEPS, 600);
    await subscribed(c, BENCH, 'subscribe BenchmarkChannel (still alive?)');
    await c.close();
    return c.entries;
  },
};

/** Unsubscribing is silent and final; unsubscribe + subscribe in one tick ends subscribed. */
export const unsubscribe: Session = {
  name: 'unsubscribe',
  title: 'unsubscribe → no ack, no frames afterwards; unsubscribe+subscribe back-to-back',
  intended:
    'Rails runs the two commands concurrently in its worker pool, so the re-subscribe is sometimes lost (rails/rails#38668); we process commands in order and always confirm',
  intendedSteps: ['(same tick) subscribe', 'echo'],
  run: (t) =>
    onBench(t, async (c) => {
      await sendEach(c, [
        ['unsubscribe', unsub(BENCH)],
        ['echo after unsubscribe', benchMsg('{"action":"echo","payload":"gone"}')],
      ]);
      await subscribed(c, BENCH, 'subscribe again');
      c.send('unsubscribe + subscribe back-to-back', unsub(BENCH) + '');
      c.send('(same tick) subscribe', sub(BENCH));
      await c.settle(600);
      await sendEach(c, [['echo', benchMsg('{"action":"echo","payload":"back"}')]]);
    }),
};
