// `npm run db:migrate`: apply the committed migrations to DATABASE_URL (idempotent). Logs go to stderr.
// `npm run db:migrate -- --check-columns`: migrate nothing; report the tables and columns the models expect that
// DATABASE_URL (PostgreSQL) lacks, as JSON on stdout, exiting 1 when something is missing.

import { loadConfig } from '../config';
import { checkColumns } from '../src/db/column-check';
import { migrateDatabase } from '../src/db/migrate';
import { createLogger } from '../src/log/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  if (process.argv.includes('--check-columns')) {
    const report = await checkColumns(config.database.url);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exitCode = report.missingTables.length + report.missingColumns.length > 0 ? 1 : 0;
    return;
  }
  const applied = await migrateDatabase(config.database.url, logger);
  logger.info(applied.length > 0 ? 'migrations applied' : 'database already up to date', { applied });
}

main().catch((err: unknown) => {
  process.stderr.write(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
