// A real EventSource client (the `eventsource` package, WhatWG-compliant) with an inbox of the events it received,
// for tests of the SSE transport.

import { EventSource } from 'eventsource';

/** One received server-sent event. */
export interface ReceivedEvent {
  type: string;
  data: string;
  lastEventId: string;
}

/** The event types the server sends (AnyCable's SSE encoding): protocol events by type, data as `message`. */
const TYPES = ['message', 'welcome', 'confirm_subscription', 'reject_subscription', 'ping', 'disconnect', 'confirm_history', 'reject_history', 'presence'];

/** An open EventSource and what it received. */
export interface EventStream {
  readonly source: EventSource;
  /** Received and not yet taken by `next`. */
  readonly events: ReceivedEvent[];
  /** Every event received, in order. */
  readonly log: ReceivedEvent[];
  /** HTTP statuses of failed connection attempts (EventSource's error events with a code). */
  readonly errors: Array<number | undefined>;
  /** Opens of the stream (reconnects add one each). */
  opens: number;
  /** The next event matching `pred` (pings are skipped unless asked for), waiting up to `timeoutMs`. */
  next(pred?: string | ((e: ReceivedEvent) => boolean), timeoutMs?: number): Promise<ReceivedEvent>;
  /** The first error event (a refused request gives its status), waiting up to `timeoutMs`. */
  failure(timeoutMs?: number): Promise<number | undefined>;
  close(): void;
}

/** Open `url` with a real EventSource; `headers` go on every request (through its `fetch` option). */
export function openEventStream(url: string, headers: Record<string, string> = {}): EventStream {
  const source = new EventSource(url, { fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) });
  const events: ReceivedEvent[] = [];
  const log: ReceivedEvent[] = [];
  const errors: Array<number | undefined> = [];
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  for (const type of TYPES) {
    source.addEventListener(type, (e) => {
      const m = e as MessageEvent<string>;
      const event = { type, data: m.data, lastEventId: m.lastEventId };
      events.push(event);
      log.push(event);
      wake();
    });
  }
  const stream: EventStream = {
    source,
    events,
    log,
    errors,
    opens: 0,
    async next(pred = (e) => e.type !== 'ping', timeoutMs = 5000) {
      const match = typeof pred === 'string' ? (e: ReceivedEvent) => e.type === pred : pred;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = events.findIndex(match);
        if (i >= 0) return events.splice(i, 1)[0] as ReceivedEvent;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for an event; received ${JSON.stringify(events)}, errors ${JSON.stringify(errors)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    async failure(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (errors.length === 0) {
        if (Date.now() > deadline) throw new Error(`no error event; received ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return errors[0];
    },
    close: () => source.close(),
  };
  source.addEventListener('open', () => {
    stream.opens += 1;
  });
  source.addEventListener('error', (e) => {
    errors.push((e as unknown as { code?: number }).code);
    wake();
  });
  return stream;
}
