// Fixtures for the extension channel tests: a migrated test database with two accounts (own and foreign) and the
// rows the channels touch, identities for their user, account worker and system worker rows, and the worker RPC.

import { randomUUID } from 'node:crypto';
import type { UserIdentity, WorkerIdentity } from '../../../src/auth/identity';
import type { Db, Provider } from '../../../src/db/prisma';
import { testUser, testWorker, type HarnessClient } from '../../../src/testing/index';
import { createTestDatabase } from '../../support/db';

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

/** A migrated test database with the fixture rows: two accounts and a system worker (home account: `own`). */
export interface ExtensionDb {
  db: Db;
  url: string;
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

/** Create a fresh migrated database (SQLite unless `provider`) holding the fixture rows. */
export async function openExtensionDb(provider: Provider = 'sqlite'): Promise<ExtensionDb> {
  const { db, url, cleanup } = await createTestDatabase(provider);
  return { db, url, ...(await seedRows(db)), cleanup };
}

/** The identity of the user row of `rows`' account, holding `permissions`. */
export const userIdentity = (rows: AccountRows, permissions: string[] = []): UserIdentity => testUser(rows.accountId, { userId: rows.userId, permissions });

/** The identity of the account worker row of `rows`. */
export const workerIdentity = (rows: AccountRows): WorkerIdentity => testWorker(rows.accountId, { workerId: rows.workerId });

/** The identity of the system worker row (home account: `own`). */
export const systemIdentity = (d: ExtensionDb): WorkerIdentity => testWorker(d.own.accountId, { workerId: d.systemWorkerId, isSystem: true });

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
