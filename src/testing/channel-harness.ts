// Channel test harness (cf. Rails Channel::TestCase, anycable-client testing.ts): subscribes a channel class
// through a real Connection, Hub and in-memory pub/sub with a given identity, and exposes what the client saw.

import type { ChannelClass } from '../channel/base';
import { ChannelRegistry } from '../channel/registry';
import { Connection } from '../connection/connection';
import { Hub } from '../hub/hub';
import { silentLogger, type Logger } from '../log/logger';
import { encodeMessage } from '../protocol/codec';
import type { PubSubAdapter } from '../pubsub/adapter';
import { MemoryAdapter } from '../pubsub/memory';
import type { Identity } from '../auth/identity';
import { FakeTransport } from './fake-socket';

/** Shared pieces of one harness "server": pub/sub, hub, registry. */
export interface HarnessServer<S> {
  pubsub: PubSubAdapter;
  hub: Hub;
  registry: ChannelRegistry;
  services: S;
  gidApp: string;
  logger: Logger;
  /** Publish as a server-side producer would. */
  broadcast(stream: string, message: unknown): Promise<void>;
}

/** Build a harness server for `channels` with `services`. */
export function createHarnessServer<S>(channels: readonly ChannelClass[], services: S, opts: { pubsub?: PubSubAdapter; gidApp?: string; logger?: Logger } = {}): HarnessServer<S> {
  const pubsub = opts.pubsub ?? new MemoryAdapter();
  const logger = opts.logger ?? silentLogger;
  return {
    pubsub,
    hub: new Hub(pubsub, logger),
    registry: new ChannelRegistry(channels),
    services,
    gidApp: opts.gidApp ?? 'server',
    logger,
    broadcast: (stream, message) => pubsub.broadcast(stream, encodeMessage(message)),
  };
}

/** A connected fake client. */
export interface HarnessClient {
  transport: FakeTransport;
  connection: Connection;
  /** Send a raw client frame and wait until it has been processed. */
  send(frame: unknown): Promise<void>;
  /** Subscribe with `params` (identifier = JSON.stringify(params)); resolves with the outcome frame type. */
  subscribe(params: Record<string, unknown>): Promise<'confirm_subscription' | 'reject_subscription' | 'none'>;
  /** Perform `action` with `data` on the subscription of `params`. */
  perform(params: Record<string, unknown>, action: string, data?: Record<string, unknown>): Promise<void>;
  /** Messages (the `message` values) received for the subscription of `params`. */
  received(params: Record<string, unknown>): unknown[];
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
    { hub: server.hub, registry: server.registry, pubsub: server.pubsub, services: server.services, logger: server.logger, gidApp: server.gidApp, maxFrameBytes: 1 << 20, maxBufferedBytes: 1 << 30, onClosed: () => closedResolve() },
    'harness',
  );
  connection.start(Promise.resolve(identity));
  await settle(connection);
  const send = async (frame: unknown) => {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    connection.receive(text);
    await settle(connection);
  };
  return {
    transport,
    connection: connection as unknown as Connection,
    send,
    async subscribe(params) {
      const identifier = JSON.stringify(params);
      const before = transport.frames.length;
      await send({ command: 'subscribe', identifier });
      const outcome = transport.messages.slice(before).find((m) => m.identifier === identifier && typeof m.type === 'string');
      return (outcome?.type as 'confirm_subscription' | 'reject_subscription' | undefined) ?? 'none';
    },
    async perform(params, action, data = {}) {
      await send({ command: 'message', identifier: JSON.stringify(params), data: JSON.stringify({ ...data, action }) });
    },
    received(params) {
      const identifier = JSON.stringify(params);
      return transport.messages.filter((m) => m.identifier === identifier && 'message' in m).map((m) => m.message);
    },
    async close() {
      connection.closed();
      await closed;
    },
  };
}

/** Wait until the connection's command queue is idle (every queued command processed, hub slices written). */
export async function settle<S>(connection: Connection<S>): Promise<void> {
  await connection.idle();
  await new Promise((r) => setImmediate(r));
  await connection.idle();
}
