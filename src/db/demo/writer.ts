// Writes demo rows model by model in foreign-key order, inserting only rows whose key is missing: two queries
// per model (find existing keys, createMany the rest), so a second run reads and writes nothing new.

import type { DemoRows, DemoRowsPart, ModelKey, Tx } from './types';

/** Every model in an order where each row's foreign keys point at rows written earlier. */
export const SEED_ORDER = [
  'permission', 'role', 'rolePermission', 'account', 'user', 'userRole', 'worker', 'workerRole', 'userToken', 'jwtBlacklist',
  'tradingVenue', 'tradingVenueTicker', 'plan', 'circuitBreaker',
  'aiAgent', 'aiAgentExecution', 'aiAgentTeam', 'aiConversation', 'aiMessage', 'aiTeamRole', 'aiTeamChannel', 'aiTeamExecution', 'aiTeamMessage',
  'aiRalphLoop', 'aiWorktreeSession', 'aiWorktree', 'aiCircuitBreaker', 'aiMission', 'aiCodeFactoryRiskContract', 'aiCodeFactoryReviewState',
  'aiWorkflow', 'aiWorkflowNode', 'aiWorkflowEdge', 'aiWorkflowRun', 'batchWorkflowRun',
  'devopsPipeline', 'devopsPipelineRun', 'devopsStepExecution', 'gitProviderCredential', 'gitRepository', 'gitPipeline', 'gitPipelineJob',
  'tradingPortfolio', 'tradingStrategy', 'tradingTrainingSession', 'tradingSignal', 'tradingTickResult',
  'supplyChainSbom', 'supplyChainAttestation', 'notification', 'subscription', 'analyticsAlert', 'mcpTool', 'systemOperation', 'jobOutbox',
] as const satisfies readonly ModelKey[];

// Join tables have a composite primary key instead of `id`.
const KEY_FIELDS: Partial<Record<ModelKey, readonly string[]>> = {
  rolePermission: ['roleId', 'permissionId'],
  userRole: ['userId', 'roleId'],
  workerRole: ['workerId', 'roleId'],
};

type Fields = Record<string, unknown>;

/** The two delegate methods the writer needs, for any model. */
interface RowDelegate {
  findMany(args: { where: Fields; select: Record<string, true> }): Promise<Fields[]>;
  createMany(args: { data: Fields[] }): Promise<{ count: number }>;
}

/** Concatenate parts into rows for every model. */
export function mergeRows(parts: readonly DemoRowsPart[]): DemoRows {
  const rows = Object.fromEntries(SEED_ORDER.map((k) => [k, [] as unknown[]])) as Record<ModelKey, unknown[]>;
  for (const part of parts) for (const [k, list] of Object.entries(part)) rows[k as ModelKey].push(...(list as unknown[]));
  return rows as DemoRows;
}

/** Insert every missing row; returns how many rows were created. */
export async function writeRows(tx: Tx, rows: DemoRows): Promise<number> {
  // No demo account yet means a fresh seed (it is all-or-nothing in one transaction): skip the existence reads.
  const fresh = (await tx.account.count({ where: { id: { in: rows.account.map((a) => a.id as string) } } })) === 0;
  let created = 0;
  for (const model of SEED_ORDER) created += await insertMissing(tx, model, rows[model] as Fields[], fresh);
  return created;
}

async function insertMissing(tx: Tx, model: ModelKey, rows: Fields[], fresh: boolean): Promise<number> {
  if (rows.length === 0) return 0;
  // One generic code path for every model: the delegates differ only in their row types.
  const delegate = tx[model] as unknown as RowDelegate;
  const missing = fresh ? rows : await missingRows(delegate, model, rows);
  if (missing.length > 0) await delegate.createMany({ data: missing });
  return missing.length;
}

async function missingRows(delegate: RowDelegate, model: ModelKey, rows: Fields[]): Promise<Fields[]> {
  const fields = KEY_FIELDS[model] ?? ['id'];
  const first = fields[0] as string;
  const where = { [first]: { in: [...new Set(rows.map((r) => r[first]))] } };
  const existing = await delegate.findMany({ where, select: Object.fromEntries(fields.map((f) => [f, true as const])) });
  const seen = new Set(existing.map((r) => keyOf(r, fields)));
  return rows.filter((r) => !seen.has(keyOf(r, fields)));
}

function keyOf(row: Fields, fields: readonly string[]): string {
  return fields.map((f) => String(row[f])).join('|');
}
