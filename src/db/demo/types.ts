// Shared shapes of the demo seed: rows per model (typed from the generated client, so DemoRows must name every
// model), the per-account context seeders receive, and the transaction client the writer uses.

import type { Prisma } from '../prisma';

/** The transaction client the seed writer uses. */
export type Tx = Prisma.TransactionClient;

/** The client property of every model (`account`, `aiAgent`, …). */
export type ModelKey = Prisma.TypeMap['meta']['modelProps'];

type CreateManyData<K extends ModelKey> = Prisma.TypeMap['model'][Capitalize<K> & keyof Prisma.TypeMap['model']]['operations']['createMany']['args']['data'];

/** One row of model `K` as `createMany` takes it (scalar foreign keys). */
export type Row<K extends ModelKey> = Exclude<CreateManyData<K>, readonly unknown[]>;

/** Demo rows for every model. */
export type DemoRows = { [K in ModelKey]: Row<K>[] };

/** Rows for some models. */
export type DemoRowsPart = { [K in ModelKey]?: Row<K>[] };

/** What an account-scoped seeder knows about the account it fills. */
export interface DemoAccount {
  key: string;
  id: string;
  name: string;
  ownerId: string;
  memberId: string;
  /** `ids('agent')` → a stable UUID scoped to this account. */
  ids: (key: string) => string;
}
