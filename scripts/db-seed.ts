// `npm run db:seed`: migrate DATABASE_URL when auto-migration is on, then write the idempotent demo data set.

import { loadConfig } from '../config';
import { migrateDatabase } from '../src/db/migrate';
import { createPrisma } from '../src/db/prisma';
import { seedDemo } from '../src/db/seed';
import { createLogger } from '../src/log/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  if (config.database.autoMigrate) await migrateDatabase(config.database.url, logger);
  const db = await createPrisma(config.database.url);
  try {
    const created = await seedDemo(db, config.jwt.secret);
    logger.info('demo data seeded', { rows_created: created });
  } finally {
    await db.$disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`db:seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
