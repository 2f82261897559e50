// The Prisma client factory: the only `new PrismaClient` in the repo. Picks the generated client and driver
// adapter from DATABASE_URL (`file:` → SQLite, `postgres://` → PostgreSQL) and loads only that one.

import type { PrismaClient } from './generated/sqlite/client';
import { createAdapterFactory } from './adapter';
import { providerOf } from './url';

export { providerOf, type Provider } from './url';
// Model and input types for channel authors (type-only: channels get the client as `this.db`).
export type * from './generated/sqlite/client';

/** The Prisma client type every module uses; the PostgreSQL client has the same model API. */
export type Db = PrismaClient;

/** Connect a Prisma client for `url`; relative SQLite paths resolve against the working directory. */
export async function createPrisma(url: string): Promise<Db> {
  const adapter = await createAdapterFactory(url);
  const db = providerOf(url) === 'sqlite' ? await sqliteClient(adapter) : await postgresClient(adapter);
  await db.$connect();
  return db;
}

async function sqliteClient(adapter: Awaited<ReturnType<typeof createAdapterFactory>>): Promise<Db> {
  const { PrismaClient } = await import('./generated/sqlite/client');
  return new PrismaClient({ adapter });
}

async function postgresClient(adapter: Awaited<ReturnType<typeof createAdapterFactory>>): Promise<Db> {
  const { PrismaClient } = await import('./generated/postgresql/client');
  // Same models and columns; only native column types differ, so the SQLite client type describes it.
  return new PrismaClient({ adapter }) as unknown as Db;
}
