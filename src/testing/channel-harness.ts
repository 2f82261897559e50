// Channel test harness (cf. Rails Channel::TestCase, anycable-client testing.ts): subscribes a channel class
// through a real Connection, Hub and in-memory pub/sub with a given identity, and exposes what the client saw,
// which streams each subscription holds, when the connection is idle, and (with manualTime) the channel clock.

import type { ChannelClass } from '../channel/base';
import { useClock } from '../channel/periodic';
import { ChannelRegistry } from '../channel/registry';
import { Connection } from '../connection/connection';
import { Hub } from '../hub/hub';
import { silentLogger, type Logger } from '../log/logger';
import { encodeMessage } from '../protocol/codec';
import type { PubSubAdapter } from '../pubsub/adapter';
import { MemoryAdapter } from '../pubsub/memory';
import type { Identity } from '../auth/identity';
import { FakeTransport } from './fake-socket';
import { ManualClock } from './manual-clock';
import { MemoryPresence, type PresenceStore } from '../broker/presence';

/** Subscription params: the decoded identifier, `channel` included (the identifier is their JSON text). */
export type HarnessParams = Record<string, unknown>;

/** Options of createHarnessServer. */
export interface HarnessOptions {
  pubsub?: PubSubAdapter;
  gidApp?: string;
  logger?: Logger;
  /**
   * Run channel timers (`periodically`, `after`) on a manual clock moved by `advanceTime`. The clock is installed for
   * every channel of this module registry (the test file), real servers started in the same file included.
   */
  manualTime?: boolean;
}

/** Shared pieces of one harness "server": pub/sub, hub, registry. */
export interface HarnessServer<S> {
  pubsub: PubSubAdapter;
  hub: Hub;
  /** Presence sets of this server's streams. */
  presence: PresenceStore;
  registry: ChannelRegistry;
  services: S;
  gidApp: string;
  logger: Logger;
  /** Publish as a server-side producer would. */
  broadcast(stream: string, message: unknown): Promise<void>;
  /** Move the channel clock forward by `ms`, running the timers due on the way (manualTime servers only). */
  advanceTime(ms: number): Promise<void>;
}

/** Build a harness server for `channels` with `services`. */
export function createHarnessServer<S>(channels: readonly ChannelClass[], services: S, opts: HarnessOptions = {}): HarnessServer<S> {
  const pubsub = opts.pubsub ?? new MemoryAdapter();
  const logger = opts.logger ?? silentLogger;
  const clock = opts.manualTime ? new ManualClock() : undefined;
  if (clock) useClock(clock);
  return {
    pubsub,
    hub: new Hub(pubsub, logger),
    presence: new MemoryPresence({ ttlSeconds: 15 }),
    registry: new ChannelRegistry(channels),
    services,
    gidApp: opts.gidApp ?? 'server',
    logger,
    broadcast: (stream, message) => pubsub.broadcast(stream, encodeMessage(message)),
    async advanceTime(ms) {
      if (!clock) throw new Error('advanceTime needs createHarnessServer(…, { manualTime: true })');
      await clock.advance(ms);
    },
  };
}

/** A connected fake client. */
export interface HarnessClient {
  transport: FakeTransport;
  connection: Connection;
  /** Send a raw client frame and wait until it has been processed. */
  send(frame: unknown): Promise<void>;
  /** Subscribe with `params` (identifier = JSON.stringify(params)); resolves with the outcome frame type. */
  subscribe(params: HarnessParams): Promise<'confirm_subscription' | 'reject_subscription' | 'none'>;
  /** Perform `action` with `data` on the subscription of `params`. */
  perform(params: HarnessParams, action: string, data?: Record<string, unknown>): Promise<void>;
  /** Messages (the `message` values) received for the subscription of `params`. */
  received(params: HarnessParams): unknown[];
  /** The last message received for the subscription of `params` (undefined when none). */
  last(params: HarnessParams): Record<string, unknown>;
  /** Names of the streams the subscription of `params` holds, in the order it started them (empty when not subscribed). */
  streams(params: HarnessParams): string[];
  /** Wait until every queued command ran and the hub's pending writes reached this client. */
  idle(): Promise<void>;
  /** Move the server's channel clock forward by `ms` (manualTime), then wait until this client is idle. */
  advanceTime(ms: number): Promise<void>;
  /** Close the connection and wait for every unsubscribed hook. */
  close(): Promise<void>;
}

/** Connect a fake client with `identity` to `server`. */
export async function connectClient<S>(server: HarnessServer<S>, identity: Identity): Promise<HarnessClient> {
  const transport = new FakeTransport();
  let closedResolve: () => void = () => undefined;
  const closed = new Promise<void>((r) => (closedResolve = r));
  const connection = new Connection<S>(
    transport,
    { hub: server.hub, registry: server.registry, pubsub: server.pubsub, services: server.services, logger: server.logger, gidApp: server.gidApp, presence: server.presence, maxFrameBytes: 1 << 20, maxBufferedBytes: 1 << 30, onClosed: () => closedResolve() },
    'harness',
  );
  connection.start(Promise.resolve(identity));
  await settle(connection);
  const idOf = (params: HarnessParams) => JSON.stringify(params);
  const send = async (frame: unknown) => {
    connection.receive(typeof frame === 'string' ? frame : JSON.stringify(frame));
    await settle(connection);
  };
  const received = (params: HarnessParams) =>
    transport.messages.filter((m) => m.identifier === idOf(params) && 'message' in m).map((m) => m.message);
  return {
    transport,
    connection: connection as unknown as Connection,
    send,
    async subscribe(params) {
      const before = transport.frames.length;
      await send({ command: 'subscribe', identifier: idOf(params) });
      const outcome = transport.messages.slice(before).find((m) => m.identifier === idOf(params) && typeof m.type === 'string');
      return (outcome?.type as 'confirm_subscription' | 'reject_subscription' | undefined) ?? 'none';
    },
    perform: (params, action, data = {}) => send({ command: 'message', identifier: idOf(params), data: JSON.stringify({ ...data, action }) }),
    received,
    last: (params) => received(params).at(-1) as Record<string, unknown>,
    streams: (params) => connection.subscriptions.get(idOf(params))?.streamNames ?? [],
    idle: () => settle(connection),
    async advanceTime(ms) {
      await server.advanceTime(ms);
      await settle(connection);
    },
    async close() {
      connection.closed();
      await closed;
    },
  };
}

/** Connects harness clients to one server and closes them all at once (e.g. in afterEach). */
export class ClientPool<S> {
  private readonly open: HarnessClient[] = [];

  /** `server` may be a function, for a server built later (in beforeAll). */
  constructor(private readonly server: HarnessServer<S> | (() => HarnessServer<S>)) {}

  /** Connect a client with `identity`; it is closed by the next `closeAll`. */
  async connect(identity: Identity): Promise<HarnessClient> {
    const client = await connectClient(typeof this.server === 'function' ? this.server() : this.server, identity);
    this.open.push(client);
    return client;
  }

  /** Close every client connected since the previous call. */
  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((c) => c.close()));
  }
}

/** Wait until the connection's command queue is idle (every queued command processed, hub slices written). */
export async function settle<S>(connection: Connection<S>): Promise<void> {
  await connection.idle();
  await new Promise((r) => setImmediate(r));
  await connection.idle();
}
