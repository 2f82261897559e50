// The shared set-up of the channel families' harness tests (test/channels/<family>/): Powernode's services over a
// test database (the real job outbox, a broadcaster into the harness pub/sub, side publishes recorded), and
// `channelSuite`, which opens a family's fixture before a file, closes each test's clients after it and cleans up.
// `adminWorker` is the worker every family's "rejects a worker identity" test connects as; `expectSubscribed`,
// `expectConfirmed`, `expectRejected` and the suite's `subscribed`/`refuses` are the one way to assert a subscription's
// outcome, `replyTo` the one way to read an action's reply.

import { OutboxJobQueue } from '../../channels/support/job-queue';
import type { AppServices, Broadcaster, JobQueue } from '../../channels/support/services';
import type { Identity, WorkerIdentity } from '../../src/auth/identity';
import type { ChannelClass } from '../../src/channel/index';
import type { Db } from '../../src/db/prisma';
import { seedId } from '../../src/db/seed';
import { ClientPool, createHarnessServer, testWorker, type HarnessClient, type HarnessOptions, type HarnessParams, type HarnessServer } from '../../src/testing/index';
import { createTestDatabase, type TestDatabase } from './db';

/** ISO-8601 with whole seconds and Z, as the channels stamp their messages. */
export const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** An account worker of `accountId` holding system.admin (`workerId` for an existing row), so only its kind can refuse it. */
export const adminWorker = (accountId: string, workerId?: string): WorkerIdentity => testWorker(accountId, { workerId, permissions: ['system.admin'] });

/** A publish to a plain Redis pub/sub channel (the workers' side channel), recorded instead of sent. */
export interface SidePublish {
  channel: string;
  message: Record<string, unknown>;
}

/** A harness server with Powernode's services over one database. */
export interface AppHarness {
  server: HarnessServer<AppServices>;
  services: AppServices;
  broadcaster: Broadcaster;
  sidePublished: SidePublish[];
}

/** Options of appHarness and channelSuite. */
export interface AppHarnessOptions extends HarnessOptions {
  /** The job queue (default: the real outbox over the database). */
  jobs?: JobQueue;
}

/** A harness server for `channels` over `db`: the real job outbox unless `jobs`, side publishes recorded. */
export function appHarness(channels: readonly ChannelClass[], db: Db, opts: AppHarnessOptions = {}): AppHarness {
  const sidePublished: SidePublish[] = [];
  const side = { publish: async (channel: string, message: unknown) => void sidePublished.push({ channel, message: message as Record<string, unknown> }) };
  const services = { db, side } as AppServices;
  const server = createHarnessServer(channels, services, opts);
  services.broadcaster = { gidApp: server.gidApp, broadcast: (stream, message) => server.broadcast(stream, message) };
  services.jobs = opts.jobs ?? new OutboxJobQueue(db, services.broadcaster);
  return { server, services, broadcaster: services.broadcaster, sidePublished };
}

/** A migrated SQLite database holding the demo data set (the seeded accounts acme, globex, initech). */
export const openSeededDb = (): Promise<TestDatabase> => createTestDatabase('sqlite', { seed: true });

/** Ids of the rows of the seeded account `key` (acme, globex, initech) that the channel tests use. */
export function seededIds(key: string) {
  const id = (k: string) => seedId(`${key}:${k}`);
  return {
    account: id('account'), owner: id('user:owner'), member: id('user:member'), viewer: id('user:viewer'), inactive: id('user:inactive'),
    worker: id('worker:worker'), workflow: id('workflow'), agent: id('agent'), team: id('team'), teamExecution: id('team-execution'),
  };
}

/** Options of channelSuite. */
export interface SuiteOptions extends AppHarnessOptions {
  /** Keep the clients for the whole file (connected in beforeAll, closed after all) instead of closing them after each test. */
  sharedClients?: boolean;
}

/** A family's fixture: a database with its rows, and how to throw it away. */
export interface SuiteFixture {
  db: Db;
  cleanup(): Promise<void>;
}

/** What a suite adds to its fixture: the harness, and clients that are closed after every test. */
export interface SuiteHandle extends AppHarness {
  /** Connect a harness client as `identity` (to `server`, e.g. one over failing services, instead of the suite's); it is closed after the test. */
  connect(identity: Identity, server?: HarnessServer<AppServices>): Promise<HarnessClient>;
  /** Connect as `identity`, subscribe with each of `params` and expect every one confirmed; returns the client. */
  subscribed(identity: Identity, ...params: HarnessParams[]): Promise<HarnessClient>;
  /** Connect as `identity` and expect every one of `params` refused (reject_subscription; a failure names the params). */
  refuses(identity: Identity, ...params: HarnessParams[]): Promise<void>;
}

/** Subscribe `client` with `params` and expect the confirmation, the streams it holds (in order) and the messages it got. */
export async function expectSubscribed(client: HarnessClient, params: HarnessParams, streams: string[], received: unknown[]): Promise<void> {
  expect(await client.subscribe(params)).toBe('confirm_subscription');
  expect(client.streams(params)).toEqual(streams);
  expect(client.received(params)).toEqual(received);
}

/** Subscribe `client` with each of `params` and expect every one confirmed (a failure names the params). */
export async function expectConfirmed(client: HarnessClient, ...params: HarnessParams[]): Promise<HarnessClient> {
  for (const p of params) expect([p, await client.subscribe(p)]).toEqual([p, 'confirm_subscription']);
  return client;
}

/** Perform `action` with `data` on the subscription of `params` and return the last message it then holds (the reply). */
export async function replyTo(client: HarnessClient, params: HarnessParams, action: string, data: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  await client.perform(params, action, data);
  return client.last(params);
}

/** The messages the subscription of `params` on `client` received whose `type` is `type`. */
export function ofType(client: HarnessClient, params: HarnessParams, type: string): Array<Record<string, unknown>> {
  return client.received(params).filter((m) => (m as { type?: unknown }).type === type) as Array<Record<string, unknown>>;
}

/** Run `publish`, wait until `client` is idle and return the messages of `type` the subscription of `params` received. */
export async function published(client: HarnessClient, params: HarnessParams, type: string, publish: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  await publish();
  await client.idle();
  return ofType(client, params, type);
}

/** Expect `client` refused on every one of `params` (reject_subscription; a failure names the params). */
export async function expectRejected(client: HarnessClient, ...params: HarnessParams[]): Promise<void> {
  for (const p of params) expect([p, await client.subscribe(p)]).toEqual([p, 'reject_subscription']);
}

/**
 * Register one test file's hooks: `open()` and a harness for `channels` over its database before all tests, the
 * clients of each test closed after it (after all with `sharedClients`), cleanup after all. Returns fixture and
 * harness, filled in when the file starts.
 */
export function channelSuite<F extends SuiteFixture>(open: () => Promise<F>, channels: readonly ChannelClass[], opts: SuiteOptions = {}): F & SuiteHandle {
  const pools = new Map<HarnessServer<AppServices>, ClientPool<AppServices>>();
  const closeAll = () => Promise.all([...pools.values()].map((pool) => pool.closeAll()));
  const connect = (identity: Identity, server = suite.server) => {
    if (!pools.has(server)) pools.set(server, new ClientPool(server));
    return (pools.get(server) as ClientPool<AppServices>).connect(identity);
  };
  const subscribed = async (identity: Identity, ...params: HarnessParams[]) => expectConfirmed(await connect(identity), ...params);
  const refuses = async (identity: Identity, ...params: HarnessParams[]) => expectRejected(await connect(identity), ...params);
  const suite = { connect, subscribed, refuses } as F & SuiteHandle;
  beforeAll(async () => {
    const fixture = await open();
    Object.assign(suite, fixture, appHarness(channels, fixture.db, opts));
  });
  if (!opts.sharedClients) afterEach(closeAll);
  afterAll(async () => {
    await closeAll();
    await suite.cleanup();
  });
  return suite;
}
