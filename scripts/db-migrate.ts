// `npm run db:migrate`: apply the committed migrations to DATABASE_URL (idempotent). Logs go to stderr.

import { loadConfig } from '../config';
import { migrateDatabase } from '../src/db/migrate';
import { createLogger } from '../src/log/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  const applied = await migrateDatabase(config.database.url, logger);
  logger.info(applied.length > 0 ? 'migrations applied' : 'database already up to date', { applied });
}

main().catch((err: unknown) => {
  process.stderr.write(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
