// COMPOSITION ROOT: loadConfig → database (migrate + seed on the embedded default) → pub/sub → hub → channel
// registry → cable server + Koa app on one http.Server → listen; SIGTERM/SIGINT → server_restart to every
// socket, pub/sub shutdown, exit 0. The only src/ file that imports channels/.

import http from 'node:http';
import path from 'node:path';
import v8 from 'node:v8';
import { dataDirFor, SECRET_FILE } from '../config/secret';
import { ConfigError, loadConfig, type Config } from '../config';
import { BenchmarkChannel, channels, OutboxJobQueue, ToolExecutorRegistry, type AppServices, type Broadcaster, type RailsApi, type SidePublisher } from '../channels';
import { Authenticator } from './auth/authenticator';
import { mintWorkerToken, signToken } from './auth/jwt';
import { connectionIdentifierFor } from './auth/identity';
import { checkOperatorAccess } from './auth/operator';
import { ChannelRegistry } from './channel/registry';
import { signStreamName } from './channel/signed-streams';
import type { ChannelClass } from './channel/base';
import type { IdentityStore } from './auth/store';
import type { Db } from './db/prisma';
import { createHttpApp } from './http/app';
import { Hub } from './hub/hub';
import { createBroker, type Broker } from './broker/index';
import { RevocationMonitor } from './connection/revocation';
import { createLogger, type Logger } from './log/logger';
import { encodeMessage, encodePresenceEvent } from './protocol/codec';
import type { PubSubAdapter } from './pubsub/adapter';
import { CableServer } from './server/cable-server';
import { CableMetrics } from './metrics/metrics';

/** A running server and how to stop it. */
export interface RunningServer<S = AppServices> {
  port: number;
  url: string;
  pubsub: PubSubAdapter;
  hub: Hub;
  cable: CableServer<S>;
  services: S;
  metrics: CableMetrics;
  /** The operator dashboard's feed (OperatorChannel reads it through AppServices.operator). */
  operator: OperatorFeed;
  /** Whether a graceful stop has begun (GET /ready answers 503 from then on). */
  readonly draining: boolean;
  stop(): Promise<void>;
}

/** The parts assembleServer wires together (tests pass fakes for the store and services). */
export interface AssembleOptions<S> {
  config: Readonly<Config>;
  logger: Logger;
  pubsub: PubSubAdapter;
  services: S;
  store: IdentityStore;
  channels: readonly ChannelClass[];
  /** Positions, history and sessions on top of `pubsub`; by default createBroker decides from the configuration. */
  broker?: Broker;
  onStop?: () => Promise<void>;
  /** Whether the database answers (GET /ready); absent: the server has none to check. */
  databaseReachable?: () => Promise<boolean>;
}

/** What OperatorChannel gets as `services.operator` (channels/support/services.ts OperatorServices). */
export interface OperatorFeed {
  /** Whether `system.admin` users may subscribe (CABLE_DASHBOARD=admins), not only the operator key's sessions. */
  admins: boolean;
  snapshot(): Promise<Record<string, unknown>>;
  disconnect(kind: 'user' | 'worker', id: string, reconnect: boolean): Promise<string>;
  intervalMs: number;
}

/** How often the dashboard's chart gets a point and a subscribed dashboard a snapshot. */
const OPERATOR_INTERVAL_MS = 2000;

/** Pending-connection queue asked of the kernel. */
const LISTEN_BACKLOG = 4096;
/** A whole HTTP request (headers and a body of up to CABLE_MAX_FRAME_BYTES) must arrive within this. */
const HTTP_REQUEST_TIMEOUT_MS = 30_000;

/** Wire hub, registry, authenticator, cable server and Koa on one http.Server and listen. */
export async function assembleServer<S>(o: AssembleOptions<S>): Promise<RunningServer<S>> {
  const { config, logger: log } = o;
  let draining = false;
  // A single memory node positions and remembers messages itself; shared backends bring their own history.
  const broker = o.broker ?? createBroker(o.pubsub, config.history, log, config.presence);
  const pubsub = broker.pubsub;
  // The hub reports into the metrics, and the metrics read the hub and the cable server at scrape time.
  let cable: CableServer<S> | undefined;
  const metrics: CableMetrics = new CableMetrics({
    connections: () => cable?.census() ?? { user: 0, worker: 0, pending: 0 },
    identities: () => cable?.census().identities ?? 0,
    streams: () => hub.streamCount,
    deliveries: () => hub.deliveryCount,
    pubsubHealthy: () => pubsub.status().healthy,
    pendingBroadcasts: () => hub.pendingBroadcasts,
  });
  const hub = new Hub(pubsub, log, { gather: true, onBroadcast: () => metrics.broadcast('pubsub'), onFanout: (s) => metrics.fanout(s) });
  // Whispers and presence events reach the other nodes through the plain pub/sub; expired presence is announced too.
  await hub.transient.share(broker.plain);
  broker.presence.onExpire((stream, event) => void hub.transient.publish(stream, 'presence', encodePresenceEvent(event)));
  const registry = new ChannelRegistry(config.cable.benchmarkChannel ? [...o.channels, BenchmarkChannel] : o.channels);
  const auth = new Authenticator(o.store, config.jwt, config.cable.globalIdApp, config.operatorKey);
  cable = new CableServer<S>(
    { ...config.cable, io: metrics.io, ssePath: config.cable.sse.enabled ? config.cable.sse.path : undefined },
    {
      metrics,
      hub, registry, pubsub, services: o.services, logger: log, gidApp: config.cable.globalIdApp,
      maxFrameBytes: config.cable.maxFrameBytes, maxBufferedBytes: config.cable.maxBufferedBytes,
      limits: {
        maxSubscriptions: config.cable.maxSubscriptions, maxIdentifierBytes: config.cable.maxIdentifierBytes, maxPendingCommands: config.cable.maxPendingCommands,
        maxStreams: config.cable.maxStreams, maxJsonDepth: config.cable.maxJsonDepth,
      },
      history: broker.history, sessions: broker.sessions, presence: broker.presence, sharedSessions: broker.sharedSessions, sessionTtlSeconds: config.history.sessionTtlSeconds,
      tokenExpiry: config.tokenExpiry,
    },
    (req) => auth.authenticate(req),
  );
  const revocation = new RevocationMonitor(o.store, () => (cable as CableServer<S>).allConnections(), config.cable.authRecheckMs, log);
  revocation.start();
  const started = Date.now();
  const internalStreamFor = (kind: 'user' | 'worker', id: string) => `action_cable/${connectionIdentifierFor(config.cable.globalIdApp, kind, id)}`;
  metrics.startSampling(OPERATOR_INTERVAL_MS);
  const operator = operatorFeed(config.dashboard === 'admins', metrics, hub, cable, o.databaseReachable, started, async (kind, id, reconnect) => {
    // The same message POST /_disconnect publishes: every node closes that identity's sockets.
    const stream = internalStreamFor(kind, id);
    await pubsub.broadcast(stream, JSON.stringify({ type: 'disconnect', reconnect }));
    return stream;
  });
  const app = createHttpApp({
    logger: log,
    cablePath: config.cable.path,
    broadcastKey: config.broadcastKey,
    maxBodyBytes: config.cable.maxFrameBytes,
    maxJsonDepth: config.cable.maxJsonDepth,
    broadcast: (stream, payload) => (metrics.broadcast('http'), pubsub.broadcast(stream, payload)),
    signStream: (stream, kind) => {
      const secret = kind === 'turbo' ? config.streams.turboSecret : config.streams.secret;
      return secret ? signStreamName(secret, stream) : null;
    },
    internalStreamFor,
    metricsKey: config.metricsKey,
    metrics: async () => ({ text: await metrics.text(), contentType: metrics.contentType }),
    readiness: async () => {
      const database = o.databaseReachable ? await o.databaseReachable() : true;
      const checks = { database, pubsub: pubsub.status().healthy, draining };
      return { ready: database && checks.pubsub && !draining, checks };
    },
    stats: () => ({
      connections: (cable as CableServer<S>).connectionCount,
      streams: hub.streamCount,
      deliveries: hub.deliveryCount,
      adapter: { name: pubsub.name, ...pubsub.status() },
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
    dashboard: config.dashboard === 'off' ? undefined : { authorize: (credential) => checkOperatorAccess(credential, config.operatorKey, (token) => auth.authenticate({ token }), config.dashboard === 'admins') },
  });
  const cableServer = cable;
  const koa = app.callback();
  // Node checks its header/request deadlines on this interval (default 30 s, far coarser than ours). Event streams
  // (CABLE_SSE) are the cable's, before Koa.
  const server = http.createServer({ connectionsCheckingInterval: Math.min(1000, config.cable.edge.handshakeTimeoutMs) }, (req, res) => {
    if (!cableServer.handleRequest(req, res)) void koa(req, res);
  });
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  cableServer.attach(server);
  // Node's default accept backlog (511) overflows when thousands of clients reconnect at once after a deploy; the
  // kernel caps this at net.core.somaxconn.
  await new Promise<void>((resolve) => server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, resolve));
  const port = (server.address() as { port: number }).port;
  log.info('cable server listening', { port, path: config.cable.path, ssePath: config.cable.sse.enabled ? config.cable.sse.path : null, adapter: pubsub.name });
  const stop = async () => {
    // Draining first: GET /ready answers 503 while the sockets are told to come back elsewhere.
    draining = true;
    revocation.stop();
    metrics.stopSampling();
    await cableServer.shutdown();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    broker.presence.close();
    await hub.transient.stop();
    await pubsub.shutdown();
    await o.onStop?.();
  };
  return {
    port, url: `ws://127.0.0.1:${port}${config.cable.path}`, pubsub, hub, cable: cableServer, services: o.services, metrics, operator, stop,
    get draining() {
      return draining;
    },
  };
}

/**
 * The operator dashboard's figures: the metrics snapshot (the counters /metrics exports) with connections by account
 * and identity, the busiest streams, the database answer (cached for one interval) and the uptime.
 */
function operatorFeed<S>(admins: boolean, metrics: CableMetrics, hub: Hub, cable: CableServer<S>, databaseReachable: (() => Promise<boolean>) | undefined, started: number, disconnect: OperatorFeed['disconnect']): OperatorFeed {
  let database: { at: number; answer: Promise<boolean | null> } | undefined;
  const databaseNow = () => {
    if (!database || Date.now() - database.at >= OPERATOR_INTERVAL_MS) database = { at: Date.now(), answer: databaseReachable ? databaseReachable() : Promise.resolve(null) };
    return database.answer;
  };
  return {
    admins,
    intervalMs: OPERATOR_INTERVAL_MS,
    disconnect,
    snapshot: async () => ({
      ...metrics.snapshot(),
      ...cable.roster(),
      busiestStreams: hub.busiestStreams(10),
      database: await databaseNow(),
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  };
}

/** Boot the whole server from `env` (database, pub/sub, channels); used by `npm start` and end-to-end tests. */
export async function startServer(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningServer & { config: Readonly<Config>; db: Db }> {
  const config = loadConfig(env);
  const log = logger ?? createLogger(config.logLevel);
  // The database and backend modules load on demand, so tests of the cable core need neither.
  const { createPrisma } = await import('./db/prisma');
  const { migrateDatabase } = await import('./db/migrate');
  const { seedDemo } = await import('./db/seed');
  const { PrismaIdentityStore } = await import('./db/identity-store');
  const { createPubSub } = await import('./pubsub/index');
  if (config.database.autoMigrate) await migrateDatabase(config.database.url, log);
  await verifySchema(config);
  const db = await createPrisma(config.database.url);
  if (config.database.seed) await seedDemo(db, config.jwt.secret);
  const pubsub = await createPubSub(config.pubsub, log);
  let metrics: CableMetrics | undefined;
  const broadcaster: Broadcaster = {
    gidApp: config.cable.globalIdApp,
    broadcast: (s, m) => (metrics?.broadcast('channel'), pubsub.broadcast(s, encodeMessage(m))),
  };
  const side = await createSidePublisher(config, log);
  const services: AppServices = { db, broadcaster, jobs: new OutboxJobQueue(db, broadcaster), side, railsApi: railsApiOf(config), toolExecutors: new ToolExecutorRegistry(), streams: config.streams };
  // The feed exists once the server is assembled; no socket can subscribe before that.
  if (config.dashboard !== 'off') services.operator = { admins: config.dashboard === 'admins', intervalMs: OPERATOR_INTERVAL_MS, snapshot: () => running.operator.snapshot(), disconnect: (...a) => running.operator.disconnect(...a) };
  const running = await assembleServer({
    config, logger: log, pubsub, services, store: new PrismaIdentityStore(db), channels,
    databaseReachable: () => databaseAnswers(db),
    onStop: async () => {
      await side?.close?.();
      await db.$disconnect();
    },
  });
  metrics = running.metrics;
  return Object.assign(running, { config, db });
}

/** Thrown at boot when the database lacks tables or columns the server reads (exit 1 with the message). */
export class BootCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootCheckError';
  }
}

/** Refuse to boot on a database that lacks what the server reads (DATABASE_SCHEMA_CHECK), naming it and the fix. */
async function verifySchema(config: Readonly<Config>): Promise<void> {
  if (config.database.schemaCheck === 'off') return;
  const { checkColumns, describeMissing, requiredPart } = await import('./db/column-check');
  const message = describeMissing(requiredPart(await checkColumns(config.database.url), config.database.schemaCheck));
  if (message) throw new BootCheckError(message);
}

/** Whether the database answers a trivial query within 2 s (GET /ready). */
async function databaseAnswers(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
  try {
    return await Promise.race([db.$queryRawUnsafe('SELECT 1').then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The Rails API worker tool calls are forwarded to (RAILS_API_URL), signing worker tokens with the server's JWT settings. */
function railsApiOf(config: Readonly<Config>): RailsApi | null {
  if (!config.railsApi) return null;
  return { url: config.railsApi.url, timeoutMs: config.railsApi.timeoutMs, workerToken: (workerId) => mintWorkerToken(config.jwt, workerId) };
}

async function createSidePublisher(config: Readonly<Config>, log: Logger): Promise<(SidePublisher & { close?: () => Promise<void> }) | null> {
  if (!config.pubsub.redisUrl) return null;
  const { createRedisSidePublisher } = await import('./pubsub/redis');
  return createRedisSidePublisher(config.pubsub.redisUrl, log);
}

/** Print a ready-to-use URL for the demo owner when the demo data is present (the README's first command). */
async function printDemoHint(running: RunningServer & { config: Readonly<Config>; db: Db }): Promise<void> {
  if (running.config.env === 'production') return; // never print credentials in production
  const owner = await running.db.user.findUnique({ where: { email: 'owner@acme.example' } }).catch(() => null);
  const base = `${displayHost(running.config.host)}:${running.port}`;
  const host = `ws://${base}${running.config.cable.path}`;
  if (!owner || !running.config.database.seed) {
    process.stdout.write(`Cable ready at ${host}?token=<access JWT>\n`);
    return;
  }
  const token = signToken(running.config.jwt, { type: 'access', sub: owner.id, expiresInSeconds: 24 * 3600, extra: { account_id: owner.accountId, email: owner.email } });
  const identifier = JSON.stringify({ channel: 'NotificationChannel', account_id: owner.accountId });
  process.stdout.write(
    [
      '',
      `Cable ready at ${host}`,
      `Demo owner of "Acme" (valid 24 h): ${host}?token=${token}`,
      `Subscribe with: {"command":"subscribe","identifier":${JSON.stringify(identifier)}}`,
      `Broadcast to it: curl -X POST http://${base}/_broadcast -d '${JSON.stringify({ stream: `account_${owner.accountId}`, data: JSON.stringify({ type: 'new_notification', notification: { title: 'Hello' } }) })}'`,
      'All demo users, workers, tokens and resource ids: npm run --silent demo:manifest',
      '',
    ].join('\n'),
  );
}

/** The address to print for a bind address (a wildcard bind is reachable as localhost). */
function displayHost(bind: string): string {
  if (bind === '0.0.0.0' || bind === '::') return 'localhost';
  return bind.includes(':') ? `[${bind}]` : bind;
}

/** One warning line whenever the running server is not fit for real users (demo data, generated secret, open bind). */
function warnIfDemo(config: Readonly<Config>, env: NodeJS.ProcessEnv): void {
  if (config.env === 'production') return warnProductionDefaults(env);
  const reasons: string[] = [];
  if (config.database.seed) reasons.push('demo users and tokens are seeded (DATABASE_SEED)');
  if (config.jwt.secretSource === 'generated') reasons.push(`the JWT secret was generated in ${path.join(dataDirFor(config.database.url), SECRET_FILE)} (set JWT_SECRET_KEY to the Rails app's)`);
  if (config.jwt.secretSource === 'builtin') reasons.push('the built-in test JWT secret is in use');
  if (reasons.length > 0) process.stderr.write(`WARNING: not for production: ${reasons.join('; ')}. Set NODE_ENV=production for real use.\n`);
}

/** In production, settings left at a default that refuses real traffic get one warning line each. */
function warnProductionDefaults(env: NodeJS.ProcessEnv): void {
  if (!env.ALLOWED_ORIGINS) process.stderr.write('WARNING: ALLOWED_ORIGINS is not set: browsers are accepted only from localhost and same-origin pages (others get 403).\n');
  if (!env.CABLE_TRUSTED_PROXIES) process.stderr.write('WARNING: CABLE_TRUSTED_PROXIES is not set: behind a reverse proxy every client counts as the proxy\'s address for the per-address limits (CABLE_MAX_CONNECTIONS_PER_IP, CABLE_UPGRADE_RATE_PER_IP).\n');
}

async function main(): Promise<void> {
  // Prisma's query compiler is WebAssembly; its optimized tier keeps ~35 MB of machine code resident for work that
  // happens at connect and subscribe, not on the fan-out path. The baseline compiler is plenty (docs/performance.md).
  v8.setFlagsFromString('--liftoff-only');
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof BootCheckError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  warnIfDemo(running.config, process.env);
  if (running.config.streams.public) process.stderr.write('WARNING: CABLE_PUBLIC_STREAMS is on: every authenticated client can follow any stream by its name through {"channel":"$pubsub","stream_name":…}.\n');
  await printDemoHint(running);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received, closing connections with server_restart\n`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
