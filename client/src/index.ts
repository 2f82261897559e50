// The typed Powernode cable client: subscribe, perform and receive with the types of the server's channel classes
// (params, action tables and catalog events), over @rails/actioncable or @anycable/core, in browsers and Node.
//
//   const cable = createTypedCable({ url: 'wss://cable.example.com/cable', token: () => accessToken, transport: 'anycable' })
//   const sub = cable.subscribe('AiConversationChannel', { conversation_id })
//   sub.on('message', (ev) => { if (ev.type === 'message_created') … })
//   await sub.perform('send_message', { content: 'Hello' })
//
// The types come from client/src/channels.ts (ChannelMap: `import type` of every registered channel class), so a
// bundle of this module holds no server code.

/// <reference path="./rails-actioncable.d.ts" />
import { createCable, type Cable, type Channel, type CreateOptions, type Protocol, type ProtocolID } from '@anycable/core';
import * as ActionCable from '@rails/actioncable';
import type { ChannelMap } from './channels';
import type { ActionArgs, ActionName, ChannelName, EventOf, ParamsArgs, ParamsOf } from './types';

export type { ChannelMap } from './channels';
export type { ActionArgs, ActionData, ActionName, AnyChannelMap, ChannelName, ChannelStatics, EventNamed, EventOf, ParamsArgs, ParamsOf } from './types';

/** Which client library carries the connection. */
export type TransportName = 'actioncable' | 'anycable';

/** A token, or a function giving the current one (called for every (re)connect, so reconnects carry a fresh token). */
export type TokenSource = string | (() => string) | (() => Promise<string>);

/** Connect with a URL and a token. */
export interface TypedCableOptions {
  /** The cable URL, e.g. `wss://cable.example.com/cable`. */
  url: string;
  /** The access token, sent as the `token` query parameter (`@rails/actioncable` needs a synchronous function). */
  token?: TokenSource;
  /** `actioncable` (default) or `anycable`. */
  transport?: TransportName;
  /**
   * The WebSocket implementation, for Node (`import WebSocket from 'ws'`); browsers have one. For `actioncable` the
   * few browser globals it touches (`addEventListener`, `removeEventListener`, `document.visibilityState`) are shimmed
   * when missing.
   */
  websocket?: unknown;
  /** Extra @anycable/core createCable options (transport `anycable`). */
  anycable?: Partial<CreateOptions<ProtocolID | Protocol>>;
}

/** Wrap a consumer or cable the app created itself. */
export type ExistingCableOptions = { consumer: ActionCable.Consumer } | { cable: Cable };

/** Thrown by `ensureSubscribed` (and given to `on('error')`) when the server rejects the subscription. */
export class SubscriptionRejectedError extends Error {
  constructor(readonly channel: string, readonly params: Record<string, unknown>) {
    super(`subscription to ${channel} was rejected`);
    this.name = 'SubscriptionRejectedError';
  }
}

/** The state of a typed subscription. */
export type SubscriptionState = 'pending' | 'connected' | 'disconnected' | 'rejected' | 'closed';

/** Listeners a subscription accepts. */
export interface SubscriptionListeners<E> {
  /** A message of the channel (typed as the union of its catalog events). */
  message: (event: E) => void;
  /** The subscription is confirmed (again after a reconnect). */
  connect: () => void;
  /** The connection dropped; the library resubscribes when it comes back. */
  disconnect: () => void;
  /** The subscription failed for good: `SubscriptionRejectedError` when rejected. */
  error: (error: Error) => void;
}

/** One subscription, typed by channel `C` of map `M`. */
export interface TypedSubscription<M, C extends ChannelName<M>> {
  readonly channel: C;
  readonly params: ParamsOf<M, C>;
  readonly state: SubscriptionState;
  /** Send action `action` with its data (waits for the confirmation first; rejects when the subscription is rejected or closed). */
  perform<A extends ActionName<M, C>>(action: A, ...data: ActionArgs<M, C, A>): Promise<void>;
  /** Listen; returns the function that stops listening. */
  on<K extends keyof SubscriptionListeners<EventOf<M, C>>>(event: K, listener: SubscriptionListeners<EventOf<M, C>>[K]): () => void;
  /** Resolves once confirmed; rejects with SubscriptionRejectedError when rejected, or an Error after `unsubscribe`. */
  ensureSubscribed(): Promise<void>;
  /** Unsubscribe (idempotent). */
  unsubscribe(): void;
}

/** A connection whose `subscribe` is typed by the channel map `M` (ChannelMap unless given). */
export interface TypedCable<M = ChannelMap> {
  readonly transport: TransportName;
  /** Subscribe to `channel` with its params (the channel's `static params`, minus `channel`). */
  subscribe<C extends ChannelName<M>>(channel: C, ...params: ParamsArgs<M, C>): TypedSubscription<M, C>;
  /** Close the connection (and every subscription). */
  disconnect(): void;
  /** The underlying @rails/actioncable consumer or @anycable/core cable. */
  readonly raw: ActionCable.Consumer | Cable;
}

/**
 * Create a typed cable: from a URL and token (`transport` picks the library), or around an existing
 * `@rails/actioncable` consumer (`{ consumer }`) or `@anycable/core` cable (`{ cable }`). `M` defaults to the
 * Powernode channels (ChannelMap); pass your own map (`{ ChatChannel: typeof ChatChannel }`) for other channel classes.
 */
export function createTypedCable<M extends object = ChannelMap>(options: TypedCableOptions | ExistingCableOptions): TypedCable<M> {
  const driver: Driver = 'consumer' in options ? railsDriver(options.consumer) : 'cable' in options ? anycableDriver(options.cable) : openDriver(options);
  return {
    transport: driver.transport,
    raw: driver.raw,
    subscribe: <C extends ChannelName<M>>(channel: C, ...args: ParamsArgs<M, C>) => subscription<M, C>(driver, channel, (args[0] ?? {}) as ParamsOf<M, C>),
    disconnect: () => driver.disconnect(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Drivers: one per library, reporting confirmations, rejections, disconnects and messages the same way.

interface DriverHooks {
  connected(): void;
  disconnected(): void;
  rejected(): void;
  closed(error?: Error): void;
  received(message: unknown): void;
}

interface DriverSubscription {
  perform(action: string, data: Record<string, unknown>): Promise<void>;
  unsubscribe(): void;
}

interface Driver {
  transport: TransportName;
  raw: ActionCable.Consumer | Cable;
  subscribe(channel: string, params: Record<string, unknown>, hooks: DriverHooks): DriverSubscription;
  disconnect(): void;
}

function withToken(url: string, token: string | undefined): string {
  if (token === undefined) return url;
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

function openDriver(o: TypedCableOptions): Driver {
  if ((o.transport ?? 'actioncable') === 'anycable') {
    const token = o.token;
    const cable = createCable(o.url, {
      ...(o.websocket ? { websocketImplementation: o.websocket } : {}),
      ...(typeof token === 'string' ? { auth: { token, param: 'token' } } : {}),
      // A token function is asked before every connect, so a reconnect carries a fresh token.
      ...(typeof token === 'function' ? { transportConfigurator: async (transport) => transport.setParam('token', await token()) } : {}),
      logLevel: 'error',
      ...o.anycable,
    });
    return anycableDriver(cable);
  }
  if (o.websocket) shimBrowserGlobals(o.websocket);
  const token = o.token;
  if (typeof token === 'function' && token.constructor.name === 'AsyncFunction') throw new TypeError('@rails/actioncable needs a synchronous token function');
  const url = typeof token === 'function' ? () => withToken(o.url, token() as string) : withToken(o.url, token);
  return railsDriver(ActionCable.createConsumer(url));
}

/** What @rails/actioncable needs outside a browser (test/support/clients.ts): a WebSocket and a few globals. */
function shimBrowserGlobals(websocket: unknown): void {
  const g = globalThis as Record<string, unknown>;
  g.addEventListener ??= () => undefined;
  g.removeEventListener ??= () => undefined;
  g.document ??= { visibilityState: 'visible' };
  ActionCable.adapters.WebSocket = websocket;
}

function railsDriver(consumer: ActionCable.Consumer): Driver {
  return {
    transport: 'actioncable',
    raw: consumer,
    subscribe(channel, params, hooks) {
      const sub = consumer.subscriptions.create({ channel, ...params }, {
        connected: () => hooks.connected(),
        disconnected: () => hooks.disconnected(),
        rejected: () => hooks.rejected(),
        received: (m) => hooks.received(m),
      });
      return {
        async perform(action, data) {
          if (!sub.perform(action, data)) throw new Error(`${channel}: ${action} was not sent (the connection is not open)`);
        },
        unsubscribe: () => sub.unsubscribe(),
      };
    },
    disconnect: () => consumer.disconnect(),
  };
}

function anycableDriver(cable: Cable): Driver {
  return {
    transport: 'anycable',
    raw: cable,
    subscribe(channel, params, hooks) {
      const ch: Channel = cable.subscribeTo(channel, params as never);
      ch.on('connect', () => hooks.connected());
      ch.on('disconnect', () => hooks.disconnected());
      ch.on('close', (err) => (err?.name === 'SubscriptionRejectedError' ? hooks.rejected() : hooks.closed(err)));
      ch.on('message', (m) => hooks.received(m));
      return {
        async perform(action, data) {
          await ch.perform(action, data as never);
        },
        unsubscribe: () => ch.disconnect(),
      };
    },
    disconnect: () => cable.disconnect(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The subscription: one state machine over either driver.

function subscription<M, C extends ChannelName<M>>(driver: Driver, channel: C, params: ParamsOf<M, C>): TypedSubscription<M, C> {
  type L = SubscriptionListeners<EventOf<M, C>>;
  const listeners: { [K in keyof L]: Set<L[K]> } = { message: new Set(), connect: new Set(), disconnect: new Set(), error: new Set() };
  const waiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  let state: SubscriptionState = 'pending';
  let failure: Error | undefined;

  const settle = (error?: Error) => {
    for (const w of waiters.splice(0)) (error ? w.reject(error) : w.resolve());
  };
  const fail = (error: Error, next: SubscriptionState) => {
    if (state === 'closed' || state === 'rejected') return;
    state = next;
    failure = error;
    settle(error);
    listeners.error.forEach((l) => l(error));
  };

  const inner = driver.subscribe(channel, params as Record<string, unknown>, {
    connected() {
      if (state === 'closed') return;
      state = 'connected';
      settle();
      listeners.connect.forEach((l) => l());
    },
    disconnected() {
      if (state !== 'connected') return;
      state = 'disconnected';
      listeners.disconnect.forEach((l) => l());
    },
    rejected: () => fail(new SubscriptionRejectedError(channel, params as Record<string, unknown>), 'rejected'),
    closed: (err) => fail(err ?? new Error(`${channel}: subscription closed`), 'closed'),
    received: (m) => listeners.message.forEach((l) => l(m as EventOf<M, C>)),
  });

  const self: TypedSubscription<M, C> = {
    channel,
    params,
    get state() {
      return state;
    },
    ensureSubscribed() {
      if (state === 'connected') return Promise.resolve();
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    },
    async perform(action, ...data) {
      await self.ensureSubscribed();
      await inner.perform(action, (data[0] ?? {}) as Record<string, unknown>);
    },
    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => set.delete(listener);
    },
    unsubscribe() {
      if (state === 'closed' || state === 'rejected') return;
      state = 'closed';
      failure = new Error(`${channel}: unsubscribed`);
      settle(failure);
      inner.unsubscribe();
    },
  };
  return self;
}
