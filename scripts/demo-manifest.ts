// `npm run --silent demo:manifest`: print ONLY the manifest JSON on stdout (accounts, users and workers with fresh
// 24 h tokens, resource ids and lookup keys). An empty embedded database is migrated and seeded first; logs → stderr.

import { loadConfig, type Config } from '../config';
import { buildManifest } from '../src/db/manifest';
import { migrateDatabase } from '../src/db/migrate';
import { createPrisma, type Db } from '../src/db/prisma';
import { seedDemo } from '../src/db/seed';
import { createLogger, type Logger } from '../src/log/logger';

async function prepare(config: Readonly<Config>, logger: Logger): Promise<Db> {
  if (config.database.autoMigrate) await migrateDatabase(config.database.url, logger);
  const db = await createPrisma(config.database.url);
  if (config.database.seed && (await db.account.count()) === 0) {
    logger.info('empty database: seeding the demo data', { rows_created: await seedDemo(db, config.jwt.secret) });
  }
  return db;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  const db = await prepare(config, logger);
  try {
    const manifest = await buildManifest(db, config.jwt);
    const cableUrl = `ws://localhost:${config.port}${config.cable.path}`;
    process.stdout.write(`${JSON.stringify({ cable_url: cableUrl, ...manifest }, null, 2)}\n`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo:manifest failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
