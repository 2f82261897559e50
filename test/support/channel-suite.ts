// The shared set-up of the channel families' harness tests (test/channels/<family>/): Powernode's services over a
// test database (the real job outbox, a broadcaster into the harness pub/sub, side publishes recorded), and
// `channelSuite`, which opens a family's fixture before a file, closes each test's clients after it and cleans up.

import { OutboxJobQueue } from '../../channels/support/job-queue';
import type { AppServices, Broadcaster, JobQueue } from '../../channels/support/services';
import type { Identity } from '../../src/auth/identity';
import type { ChannelClass } from '../../src/channel/index';
import type { Db } from '../../src/db/prisma';
import { ClientPool, createHarnessServer, type HarnessClient, type HarnessOptions, type HarnessServer } from '../../src/testing/index';

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

/** A family's fixture: a database with its rows, and how to throw it away. */
export interface SuiteFixture {
  db: Db;
  cleanup(): Promise<void>;
}

/** What a suite adds to its fixture: the harness, and clients that are closed after every test. */
export interface SuiteHandle extends AppHarness {
  /** Connect a harness client as `identity`; it is closed after the test. */
  connect(identity: Identity): Promise<HarnessClient>;
}

/**
 * Register one test file's hooks: `open()` and a harness for `channels` over its database before all tests, the
 * clients of each test closed after it, cleanup after all. Returns fixture and harness, filled in when the file starts.
 */
export function channelSuite<F extends SuiteFixture>(open: () => Promise<F>, channels: readonly ChannelClass[], opts: AppHarnessOptions = {}): F & SuiteHandle {
  const pool = new ClientPool(() => suite.server);
  const suite = { connect: (identity: Identity) => pool.connect(identity) } as F & SuiteHandle;
  beforeAll(async () => {
    const fixture = await open();
    Object.assign(suite, fixture, appHarness(channels, fixture.db, opts));
  });
  afterEach(() => pool.closeAll());
  afterAll(() => suite.cleanup());
  return suite;
}
