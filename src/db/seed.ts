// seedDemo: the idempotent demo data set (two active accounts, one suspended, a full cast of users and workers,
// and at least one row of every model) with deterministic ids, written in one transaction.

import { aiRows } from './demo/ai';
import { DEMO_ACCOUNTS } from './demo/catalog';
import { devopsRows } from './demo/devops';
import { accountRows, demoAccount, roleRows } from './demo/identity';
import { platformGlobalRows, platformRows } from './demo/platform';
import { tradingRows, venueRows } from './demo/trading';
import type { DemoRows, DemoRowsPart } from './demo/types';
import { workflowRows } from './demo/workflows';
import { mergeRows, writeRows } from './demo/writer';
import type { Db } from './prisma';
import { DEVELOPMENT_JWT_SECRET } from '../../config/cable';

export { seedId } from './demo/ids';
export { DEMO_ACCOUNTS, legacyTokenFor } from './demo/catalog';

/** Every demo row, grouped by model; `secret` (the JWT secret) derives the owners' legacy tokens. */
export function demoRows(secret: string = DEVELOPMENT_JWT_SECRET): DemoRows {
  const parts: DemoRowsPart[] = [roleRows(), venueRows(), platformGlobalRows()];
  for (const spec of DEMO_ACCOUNTS) {
    parts.push(accountRows(spec, secret));
    if (spec.status !== 'active') continue;
    const a = demoAccount(spec);
    parts.push(aiRows(a), workflowRows(a), devopsRows(a), tradingRows(a), platformRows(a));
  }
  return mergeRows(parts);
}

/** Create the demo data set; running it again changes nothing. Returns the number of rows created. */
export async function seedDemo(db: Db, secret: string = DEVELOPMENT_JWT_SECRET): Promise<number> {
  const rows = demoRows(secret);
  return db.$transaction((tx) => writeRows(tx, rows), { timeout: 60_000, maxWait: 30_000 });
}
