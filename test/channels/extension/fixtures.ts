// Fixtures for the extension channel tests: a migrated temporary SQLite database with two accounts (own and
// foreign) and the rows the channels touch, harness services (real job outbox, recorded side publishes) and
// identities for users, account workers and a system worker.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Identity } from '../../../src/auth/identity';
import { createPrisma, type Db } from '../../../src/db/prisma';
import { migrateDatabase } from '../../../src/db/migrate';
import { encodeMessage } from '../../../src/protocol/codec';
import { MemoryAdapter } from '../../../src/pubsub/memory';
import { connectClient, createHarnessServer, type HarnessClient, type HarnessServer } from '../../../src/testing/channel-harness';
import { extensionChannels } from '../../../channels/extension/index';
import { OutboxJobQueue } from '../../../channels/support/job-queue';
import type { AppServices, Broadcaster } from '../../../channels/support/services';

/** The rows of one account. */
export interface AccountRows {
  accountId: string;
  userId: string;
  workerId: string;
  agentId: string;
  venueId: string;
  portfolioId: string;
  strategyId: string;
  idleStrategyId: string;
  sessionId: string;
}

/** A test world: database, harness server, side-publish log, two accounts and a system worker. */
export interface World {
  db: Db;
  url: string;
  server: HarnessServer<AppServices>;
  services: AppServices;
  sidePublished: Array<{ channel: string; message: Record<string, unknown> }>;
  own: AccountRows;
  foreign: AccountRows;
  systemWorkerId: string;
  cleanup(): Promise<void>;
}

async function seedAccount(db: Db, label: string, venueId: string): Promise<AccountRows> {
  const account = await db.account.create({ data: { name: label } });
  const user = await db.user.create({ data: { accountId: account.id, email: `${label.toLowerCase()}-${randomUUID()}@example.com`, name: `${label} owner` } });
  const worker = await db.worker.create({ data: { accountId: account.id, name: `${label} worker` } });
  const agent = await db.aiAgent.create({ data: { accountId: account.id, name: `${label} agent`, configuration: { tool_access: { allowed_tools: ['search_knowledge', 'get_weather'] } } } });
  await db.mcpTool.createMany({
    data: [
      { accountId: account.id, name: 'search_knowledge', description: 'Search the knowledge base', inputSchema: { type: 'object', properties: { query: { type: 'string' }, action: { type: 'string' } }, required: ['query', 'action'] } },
      { accountId: account.id, name: 'get_weather', description: null, inputSchema: {} },
      { accountId: account.id, name: 'delete_everything', description: 'Not in the whitelist', inputSchema: {} },
      { accountId: account.id, name: 'disabled_tool', enabled: false },
    ],
  });
  const portfolio = await db.tradingPortfolio.create({ data: { accountId: account.id, tradingVenueId: venueId, name: `${label} paper`, initialCapital: '1000.5', currentValue: 1000 } });
  const session = await db.tradingTrainingSession.create({
    data: {
      accountId: account.id, tradingPortfolioId: portfolio.id, name: `${label} session`, status: 'running', totalTicks: 3, tickCount: 3, tickInterval: '10',
      marketCount: 2, strategyTypes: ['momentum'], config: { initial_balance: 1000 }, metrics: {}, timeline: [], endsAt: new Date('2026-01-01T00:00:00Z'),
    },
  });
  const strategy = await db.tradingStrategy.create({
    data: { tradingPortfolioId: portfolio.id, trainingSessionId: session.id, name: `${label} momentum`, strategyType: 'momentum', pair: 'BTC/USD', config: { tick_interval_seconds: 30 }, currentPnlUsd: '12.5', openPositions: 1 },
  });
  const idle = await db.tradingStrategy.create({ data: { tradingPortfolioId: portfolio.id, trainingSessionId: session.id, name: `${label} idle`, strategyType: 'mean_reversion', pair: 'ETH/USD', status: 'paused' } });
  return {
    accountId: account.id, userId: user.id, workerId: worker.id, agentId: agent.id, venueId, portfolioId: portfolio.id,
    strategyId: strategy.id, idleStrategyId: idle.id, sessionId: session.id,
  };
}

/** Insert the fixture rows (a venue with a cached ticker, two accounts, a system worker) into any database. */
export async function seedRows(db: Db): Promise<{ own: AccountRows; foreign: AccountRows; systemWorkerId: string }> {
  const venue = await db.tradingVenue.create({ data: { name: 'Paper exchange', slug: `paper-${randomUUID()}` } });
  await db.tradingVenueTicker.create({ data: { tradingVenueId: venue.id, pair: 'BTC/USD', lastPrice: '65000.5', bid: '64999', ask: 65001, volume24h: 12 } });
  const own = await seedAccount(db, 'Acme', venue.id);
  const foreign = await seedAccount(db, 'Globex', venue.id);
  const system = await db.worker.create({ data: { accountId: own.accountId, name: 'system worker', isSystem: true } });
  return { own, foreign, systemWorkerId: system.id };
}

/** Create a migrated temporary SQLite database, the harness server and the fixture rows. */
export async function createWorld(): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-channels-'));
  const url = `file:${path.join(dir, 'test.db')}`;
  await migrateDatabase(url);
  const db = await createPrisma(url);
  return worldOn(db, url, async () => {
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** The harness server and the fixture rows on an already migrated database (any provider). */
export async function worldOn(db: Db, url: string, cleanup: () => Promise<void>): Promise<World> {
  const { own, foreign, systemWorkerId } = await seedRows(db);
  const pubsub = new MemoryAdapter();
  const broadcaster: Broadcaster = { gidApp: 'server', broadcast: (s, m) => pubsub.broadcast(s, encodeMessage(m)) };
  const sidePublished: World['sidePublished'] = [];
  const services: AppServices = {
    db, broadcaster, jobs: new OutboxJobQueue(db, broadcaster),
    side: { publish: async (channel, message) => void sidePublished.push({ channel, message: message as Record<string, unknown> }) },
  };
  const server = createHarnessServer(extensionChannels, services, { pubsub });
  return { db, url, server, services, sidePublished, own, foreign, systemWorkerId, cleanup };
}

/** A user identity in `accountId`. */
export function userIdentity(rows: AccountRows, permissions: string[] = []): Identity {
  return { kind: 'user', userId: rows.userId, accountId: rows.accountId, email: 'u@example.com', name: 'User', roles: [], permissions: new Set(permissions), connectionIdentifier: `user-${rows.userId}` };
}

/** An account worker identity. */
export function workerIdentity(rows: AccountRows): Identity {
  return { kind: 'worker', workerId: rows.workerId, accountId: rows.accountId, name: 'worker', isSystem: false, permissions: new Set(), connectionIdentifier: `worker-${rows.workerId}` };
}

/** The system worker identity (home account: `own`). */
export function systemIdentity(world: World): Identity {
  return { kind: 'worker', workerId: world.systemWorkerId, accountId: world.own.accountId, name: 'system', isSystem: true, permissions: new Set(), connectionIdentifier: `worker-${world.systemWorkerId}` };
}

/** Connect a harness client. */
export function connect(world: World, identity: Identity): Promise<HarnessClient> {
  return connectClient(world.server, identity);
}

/** The streams the subscription of `params` holds on `client`. */
export function streamsOf(client: HarnessClient, params: Record<string, unknown>): string[] {
  const subs = (client.connection as unknown as { subscriptions: { get(id: string): { streamNames: string[] } | undefined } }).subscriptions;
  const channel = subs.get(JSON.stringify(params));
  return channel ? [...channel.streamNames].sort() : [];
}

/** A worker RPC reply. */
export interface RpcReply {
  request_id: unknown;
  success: boolean;
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  error?: string;
}

/** Send one request on the subscription of `params` and return the reply carrying its request_id. */
export async function rpc(client: HarnessClient, params: Record<string, unknown>, action: string, data: Record<string, unknown> = {}): Promise<RpcReply> {
  const requestId = randomUUID();
  await client.perform(params, action, { request_id: requestId, ...data });
  const replies = (client.received(params) as RpcReply[]).filter((m) => m && m.request_id === requestId);
  if (replies.length !== 1) throw new Error(`expected one reply to ${action}, got ${JSON.stringify(replies)}`);
  return replies[0] as RpcReply;
}
