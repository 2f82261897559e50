// Real client libraries under Node: @rails/actioncable (with the browser shims it needs) and @anycable/core.

import WebSocket from 'ws';

type Json = Record<string, unknown>;

/** A subscription of a real client with an inbox of received messages. */
export interface ClientSubscription {
  state: Promise<'connected' | 'rejected'>;
  inbox: unknown[];
  next(pred?: (m: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  perform(action: string, data?: Json): void;
  unsubscribe(): void;
}

function inboxOf(): { inbox: unknown[]; push(m: unknown): void; next: ClientSubscription['next'] } {
  const inbox: unknown[] = [];
  const waiters: Array<{ pred: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];
  return {
    inbox,
    push(m) {
      const i = waiters.findIndex((w) => w.pred(m));
      if (i >= 0) waiters.splice(i, 1)[0]?.resolve(m);
      else inbox.push(m);
    },
    next(pred = () => true, timeoutMs = 5000) {
      const i = inbox.findIndex(pred);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout waiting for message; inbox ${JSON.stringify(inbox)}`)), timeoutMs);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
}

/** Load @rails/actioncable with the shims it needs outside a browser. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RailsCable = any;

export function railsCable(): RailsCable {
  const g = globalThis as unknown as Json;
  g.WebSocket ??= WebSocket;
  g.addEventListener ??= () => undefined;
  g.removeEventListener ??= () => undefined;
  g.document ??= { visibilityState: 'visible' };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('@rails/actioncable') as RailsCable;
  mod.adapters.WebSocket = WebSocket;
  return mod;
}

/** Subscribe with a @rails/actioncable consumer. */
export function railsSubscribe(consumer: RailsCable, params: Json, hooks: { disconnected?: () => void; connected?: (d: unknown) => void } = {}): ClientSubscription {
  const box = inboxOf();
  let sub: { perform(a: string, d?: Json): void; unsubscribe(): void } | undefined;
  const state = new Promise<'connected' | 'rejected'>((resolve) => {
    sub = consumer.subscriptions.create(params, {
      connected(d: unknown) {
        hooks.connected?.(d);
        resolve('connected');
      },
      rejected() {
        resolve('rejected');
      },
      disconnected() {
        hooks.disconnected?.();
      },
      received(m: unknown) {
        box.push(m);
      },
    });
  });
  return { state, inbox: box.inbox, next: box.next, perform: (a, d) => sub?.perform(a, d), unsubscribe: () => sub?.unsubscribe() };
}

export { inboxOf };
