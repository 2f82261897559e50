// What a conformance session is and the steps sessions share: Action Cable commands as text, connecting until the
// welcome, subscribing until the answer, sending a step and waiting for its answers to settle.

import { Client, type Entry } from './client';
import { urlWithToken, type Target } from './target';

/** One scripted raw-`ws` conversation, run the same way against both targets. */
export interface Session {
  name: string;
  title: string;
  /** Labels of sent steps whose differences are by design (see `intended`). */
  intendedSteps?: string[];
  intended?: string;
  /** Frames within one step may arrive in another order (Rails does not order deliveries). */
  orderMayDiffer?: boolean;
  /** Run only when both targets use Redis. */
  redisOnly?: boolean;
  run(t: Target): Promise<Entry[]>;
}

/** The identifier of the benchmark channel both servers serve. */
export const BENCH = JSON.stringify({ channel: 'BenchmarkChannel' });

/** The sub-protocols @rails/actioncable offers. */
export const PROTOCOLS = ['actioncable-v1-json', 'actioncable-unsupported'];

/** A subscribe command. */
export const sub = (identifier: string) => JSON.stringify({ command: 'subscribe', identifier });

/** An unsubscribe command. */
export const unsub = (identifier: string) => JSON.stringify({ command: 'unsubscribe', identifier });

/** A message command carrying `data` (JSON text). */
export const msg = (identifier: string, data: string) => JSON.stringify({ command: 'message', identifier, data });

/** A message command to the benchmark channel. */
export const benchMsg = (data: string) => msg(BENCH, data);

/** Whether a frame confirms or rejects `identifier`. */
export const isConfirmOrReject = (identifier: string) => (f: string) => {
  try {
    const v = JSON.parse(f) as Record<string, unknown>;
    return v.identifier === identifier && (v.type === 'confirm_subscription' || v.type === 'reject_subscription');
  } catch {
    return false;
  }
};

/** A client with a valid token that has received its welcome (or waited 5 s for it). */
export async function connected(t: Target, opts: { protocols?: string[]; keepPings?: boolean } = {}): Promise<Client> {
  const c = await Client.open(urlWithToken(t, t.validToken), opts.protocols ?? PROTOCOLS, opts.keepPings ?? false);
  await c.until((fs) => fs.some((f) => f.includes('"welcome"')), 5000);
  return c;
}

/** Subscribe to `identifier` and wait for the confirmation or rejection to settle. */
export async function subscribed(c: Client, identifier: string, label = `subscribe ${identifier}`): Promise<void> {
  c.send(label, sub(identifier));
  await c.until((fs) => fs.some(isConfirmOrReject(identifier)), 3000);
  await c.settle(150, 1000);
}

/** Send each labelled frame, waiting after each until no frame has arrived for `quietMs`. */
export async function sendEach(c: Client, steps: ReadonlyArray<readonly [string, string]>, quietMs?: number): Promise<void> {
  for (const [label, text] of steps) {
    c.send(label, text);
    await c.settle(quietMs);
  }
}

/**
 * Connect, subscribe to the benchmark channel, run `body`, close; the transcript is what `body` returns (taken
 * before the close) or else the whole client's.
 */
export async function onBench(t: Target, body: (c: Client) => Promise<Entry[] | void>): Promise<Entry[]> {
  const c = await connected(t);
  await subscribed(c, BENCH);
  const entries = await body(c);
  await c.close();
  return entries ?? c.entries;
}
