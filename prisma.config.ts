// Prisma CLI configuration: the JS schema engine (wasm) with driver adapters, so `generate`, `migrate diff` and
// `db push` run offline without downloading engine binaries. See docs/database.md.

import { defineConfig } from 'prisma/config';
import { createAdapterFactory } from './src/db/adapter';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations/sqlite' },
  adapter: () => createAdapterFactory(process.env.DATABASE_URL ?? 'file:./data/cable.db'),
});
