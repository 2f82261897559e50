// Who the fuzzer connects as and which real ids it aims at, both read from the demo manifest
// (src/db/manifest.ts, `npm run --silent demo:manifest`): owner, member, zero-permission viewer and worker of each
// active account, and per param/data key the real resource ids of every account (other accounts' ids included).

import type { Manifest } from '../../../src/db/manifest';

/** One credential the fuzzer opens sockets with. */
export interface FuzzIdentity {
  /** e.g. `acme/viewer`. */
  label: string;
  kind: 'user' | 'worker';
  role: 'owner' | 'member' | 'viewer' | 'worker';
  token: string;
  accountId: string;
  permissions: string[];
}

/** Identities plus the real values of every param and data key the channels use. */
export interface FuzzCast {
  identities: FuzzIdentity[];
  accountIds: string[];
  /** Param or data key → real values found in the database (any account). */
  ids: Record<string, string[]>;
  /** Every real id, whatever its table. */
  anyIds: string[];
  /** Real id → the account whose resource it is (accounts map to themselves). */
  owners: Map<string, string>;
}

type Row = Record<string, unknown>;

/** Which manifest table columns feed each key (`table.column`). */
const SOURCES: Readonly<Record<string, readonly string[]>> = {
  execution_id: ['ai_agent_executions.execution_id', 'ai_agent_executions.id', 'ai_team_executions.id'],
  conversation_id: ['ai_conversations.id', 'ai_conversations.conversation_id'],
  workflow_id: ['ai_workflows.id'],
  pipeline_id: ['devops_pipelines.id', 'git_pipelines.id'],
  ci_cd_pipeline_id: ['devops_pipelines.id'],
  repository_id: ['git_repositories.id'],
  job_id: ['git_pipeline_jobs.id', 'cable_job_outbox.id'],
  team_id: ['ai_agent_teams.id'],
  channel_id: ['ai_team_channels.id'],
  session_id: ['trading_training_sessions.id'],
  agent_id: ['ai_agents.id'],
  notification_id: ['notifications.id'],
  operation_id: ['system_operations.id'],
  customer_id: ['notifications.user_id', 'ai_conversations.user_id'],
  strategy_ids: ['trading_strategies.id'],
  venue_id: ['trading_venues.id'],
  id: ['ai_missions.id', 'ai_workflow_runs.id', 'ai_code_factory_risk_contracts.id', 'ai_code_factory_review_states.id', 'ai_agents.id', 'ai_workflows.id'],
};

const ROLES: ReadonlyArray<FuzzIdentity['role']> = ['owner', 'member', 'viewer'];

function userIdentities(account: Manifest['accounts'][number]): FuzzIdentity[] {
  return ROLES.flatMap((role) => {
    const user = account.users.find((u) => String(u.email).startsWith(`${role}@`) && u.status === 'active');
    if (!user) return [];
    return [{ label: `${String(account.subdomain ?? account.name).toLowerCase()}/${role}`, kind: 'user' as const, role, token: String(user.access_token), accountId: account.id, permissions: user.permissions as string[] }];
  });
}

function workerIdentities(account: Manifest['accounts'][number]): FuzzIdentity[] {
  return account.workers
    .filter((w) => w.status === 'active')
    .map((w) => ({ label: `${String(account.subdomain ?? account.name).toLowerCase()}/worker`, kind: 'worker' as const, role: 'worker' as const, token: String(w.worker_token), accountId: account.id, permissions: w.permissions as string[] }));
}

function columnValues(tables: Record<string, Row[]>, source: string): string[] {
  const [table = '', column = ''] = source.split('.');
  return (tables[table] ?? []).map((row) => row[column]).filter((v): v is string => typeof v === 'string' && v !== '');
}

function idsOf(tables: Record<string, Row[]>): string[] {
  return Object.keys(tables).flatMap((name) => columnValues(tables, `${name}.id`));
}

function ownersOf(accounts: Manifest['accounts']): Map<string, string> {
  const owners = new Map<string, string>();
  for (const a of accounts) {
    owners.set(a.id, a.id);
    for (const id of idsOf(a.resources as Record<string, Row[]>)) owners.set(id, a.id);
    for (const [key, sources] of Object.entries(SOURCES)) if (key !== 'customer_id') for (const v of sources.flatMap((s) => columnValues(a.resources as Record<string, Row[]>, s))) owners.set(v, a.id);
  }
  return owners;
}

/** The cast of an active-account manifest. */
export function castFromManifest(manifest: Manifest): FuzzCast {
  const active = manifest.accounts.filter((a) => a.status === 'active');
  const tables = [...active.map((a) => a.resources), manifest.global] as Array<Record<string, Row[]>>;
  const ids: Record<string, string[]> = { account_id: active.map((a) => a.id) };
  for (const [key, sources] of Object.entries(SOURCES)) ids[key] = [...new Set(tables.flatMap((t) => sources.flatMap((s) => columnValues(t, s))))];
  const anyIds = [...new Set(tables.flatMap(idsOf))];
  return { identities: active.flatMap((a) => [...userIdentities(a), ...workerIdentities(a)]), accountIds: ids.account_id as string[], ids, anyIds, owners: ownersOf(active) };
}
