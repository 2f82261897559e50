// Sessions about messages on the benchmark channel: echo, JSON re-encoding, broadcast ordering, malformed and
// misdirected commands, and a large frame.

import type { Client, Entry } from './client';
import { BENCH, benchMsg, msg, onBench, sendEach, unsub, type Session } from './session-kit';

/** A session that sends each labelled payload to the benchmark channel, waiting for its answers after each. */
function payloadSession(name: string, title: string, steps: Array<[label: string, data: string]>): Session {
  return { name, title, run: (t) => onBench(t, (c) => sendEach(c, steps.map(([label, data]) => [label, benchMsg(data)] as const))) };
}

/** Echo with the action first, last (as @rails/actioncable sends it) and with extra keys. */
export const echo = payloadSession('echo', 'echo (action first, action last as @rails/actioncable sends it, extra keys)', [
  ['echo action first', '{"action":"echo","payload":{"x":1,"y":[true,null,"s"]}}'],
  ['echo action last (@rails/actioncable order)', '{"payload":{"x":1},"action":"echo"}'],
  ['echo with an extra key', '{"action":"echo","payload":2,"extra":"kept?"}'],
  ['echo without payload', '{"action":"echo"}'],
]);

/** Echo payloads that exercise JSON re-encoding. */
export const jsonEncoding = payloadSession('json-encoding', 'echo payloads that exercise JSON re-encoding (HTML escaping, U+2028, floats, big ints)', [
  ['html + line separator', '{"action":"echo","payload":"<b>&amp;</b> \u2028 \u2029 é ☃ /"}'],
  ['escaped unicode input', '{"action":"echo","payload":"\\u00e9\\u003c\\/"}'],
  ['numbers', '{"action":"echo","payload":[1.0,1e2,1.5e300,-0.0,0.1,12345678901234567890]}'],
  ['whitespace in data', '{ "action" : "echo" , "payload" : { "a" : 1 } }'],
]);

/** Send broadcast `i` and report whether the sender's broadcastResult came before the delivery. */
async function broadcastResultFirst(c: Client, i: number): Promise<boolean> {
  c.send(`broadcast #${i}`, benchMsg(`{"action":"broadcast","payload":${i}}`));
  await c.until((fs) => fs.filter((f) => f.includes(`"payload":${i}}`)).length >= 2, 3000);
  const mine = c.frames().filter((f) => f.includes(`"payload":${i}}`));
  await c.settle(200);
  return mine[0]?.includes('broadcastResult') === true;
}

/** A broadcast's delivery and the sender's broadcastResult, in whichever order each server sends them. */
export const broadcastOrder: Session = {
  name: 'broadcast-order',
  title: 'broadcast → broadcast + broadcastResult ordering (×8)',
  orderMayDiffer: true,
  run: (t) =>
    onBench(t, async (c) => {
      let resultFirst = 0;
      for (let i = 1; i <= 8; i++) if (await broadcastResultFirst(c, i)) resultFirst += 1;
      c.entries.push({ kind: 'stat', key: 'order over 8 broadcasts', value: `broadcastResult before broadcast ${resultFirst}/8` });
      await sendEach(c, [['broadcast action last', benchMsg('{"payload":4,"action":"broadcast"}')]]);
    }),
};

const BAD_STEPS: Array<[string, string | Buffer]> = [
  ['malformed JSON', '{"command":"message",'],
  ['JSON array', '[1,2]'],
  ['object without command', '{"identifier":"x"}'],
  ['unknown command', JSON.stringify({ command: 'frobnicate', identifier: BENCH })],
  ['message with object data', JSON.stringify({ command: 'message', identifier: BENCH, data: { action: 'echo', payload: 1 } })],
  ['message with data "[1]"', benchMsg('[1]')],
  ['message with data "null"', benchMsg('null')],
  ['message with invalid-JSON data', benchMsg('{nope')],
  ['message unknown action', benchMsg('{"action":"nope"}')],
  ['message action=subscribed (lifecycle hook)', benchMsg('{"action":"subscribed"}')],
  ['message for unknown identifier', msg('{"channel":"BenchmarkChannel","x":1}', '{"action":"echo","payload":1}')],
  ['unsubscribe unknown identifier', unsub('{"channel":"BenchmarkChannel","x":2}')],
  ['identifier is a number', JSON.stringify({ command: 'subscribe', identifier: 42 })],
  ['binary frame', Buffer.from(benchMsg('{"action":"echo","payload":"binary"}'))],
];

const RESUBSCRIBED_STEP = 'broadcast after action=subscribed (re-subscribed streams would duplicate)';

/** Malformed, unknown and misdirected commands, then proof the connection still works. */
export const badInput: Session = {
  name: 'bad-input',
  title: 'malformed / unknown / misdirected commands, then a valid echo',
  orderMayDiffer: true,
  intended: 'Rails runs any public method as an action, so {"action":"subscribed"} re-runs `subscribed` and doubles the streams; our action allowlist refuses it (recommendation)',
  intendedSteps: [RESUBSCRIBED_STEP],
  run: (t) =>
    onBench(t, async (c) => {
      for (const [label, frame] of BAD_STEPS) {
        if (typeof frame === 'string') c.send(label, frame);
        else c.sendBinary(label, frame);
        await c.settle(300);
      }
      await sendEach(c, [
        ['valid echo (still alive?)', benchMsg('{"action":"echo","payload":"alive"}')],
        [RESUBSCRIBED_STEP, benchMsg('{"action":"broadcast","payload":"dup?"}')],
      ]);
    }),
};

/** A transcript entry with a frame longer than 300 characters shortened to its start and length. */
function shortened(e: Entry): Entry {
  const long = (e.kind === 'recv' || e.kind === 'send') && e.text.length > 300;
  return long ? { ...e, text: `${e.text.slice(0, 120)}…<${e.text.length} chars>` } : e;
}

/** A 1.5 MiB echo (transcript taken before the close). */
export const largeFrame: Session = {
  name: 'large-frame',
  title: 'a 1.5 MiB echo (Rails accepts frames up to 64 MiB)',
  run: (t) =>
    onBench(t, async (c) => {
      const big = 'x'.repeat(1_500_000);
      c.send('echo 1.5 MiB payload', benchMsg(JSON.stringify({ action: 'echo', payload: big })));
      await c.settle(800, 6000);
      return c.entries.map(shortened);
    }),
};
