// buildManifest: a JSON picture of the database for demos and end-to-end tests — every account with its users and
// workers (each with a freshly signed 24 h token), every resource id and lookup key per account, and the global
// tables. Reads only; tokens are signed with src/auth/jwt.ts.

import { createHash } from 'node:crypto';
import type { JwtConfig } from '../../config';
import { signToken, tokenDigest } from '../auth/jwt';
import { legacyTokenFor } from './demo/catalog';
import { RESOURCE_LISTERS, type ListedRow, type ResourceLister } from './manifest-resources';
import type { Db } from './prisma';

const TOKEN_TTL_SECONDS = 24 * 3600;

type Json = Record<string, unknown>;

/** The manifest document. */
export interface Manifest {
  generated_at: string;
  token_ttl_seconds: number;
  permissions: string[];
  roles: Array<{ id: string; name: string; permissions: string[] }>;
  accounts: Array<Json & { id: string; name: string; status: string; users: Json[]; workers: Json[]; resources: Record<string, Json[]> }>;
  global: Record<string, Json[]>;
}

/** Build the manifest of `db`, signing user and worker tokens with `jwt`. */
export async function buildManifest(db: Db, jwt: JwtConfig): Promise<Manifest> {
  const [accounts, users, workers, roles, tables] = await Promise.all([
    db.account.findMany({ orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] }),
    db.user.findMany({ include: { roles: { include: { role: { include: { permissions: { include: { permission: true } } } } } }, tokens: true }, orderBy: [{ createdAt: 'asc' }, { email: 'asc' }] }),
    db.worker.findMany({ include: { roles: { include: { role: { include: { permissions: { include: { permission: true } } } } } } }, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] }),
    db.role.findMany({ include: { permissions: { include: { permission: true } } }, orderBy: { name: 'asc' } }),
    listTables(db),
  ]);
  return {
    generated_at: new Date().toISOString(),
    token_ttl_seconds: TOKEN_TTL_SECONDS,
    permissions: (await db.permission.findMany({ select: { name: true }, orderBy: { name: 'asc' } })).map((p) => p.name),
    roles: roles.map((r) => ({ id: r.id, name: r.name, permissions: r.permissions.map((p) => p.permission.name).sort() })),
    accounts: accounts.map((a) => ({
      id: a.id,
      name: a.name,
      subdomain: a.subdomain,
      status: a.status,
      users: users.filter((u) => u.accountId === a.id).map((u) => userEntry(u, a.subdomain, jwt)),
      workers: workers.filter((w) => w.accountId === a.id).map((w) => workerEntry(w, jwt)),
      resources: resourcesOf(tables, a.id),
    })),
    global: resourcesOf(tables, null),
  };
}

type RoleLinks = Array<{ role: { name: string; permissions: Array<{ permission: { name: string } }> } }>;

function grants(roles: RoleLinks): { roles: string[]; permissions: string[] } {
  return { roles: roles.map((r) => r.role.name).sort(), permissions: [...new Set(roles.flatMap((r) => r.role.permissions.map((p) => p.permission.name)))].sort() };
}

/** Powernode's permission_version claim: the first 8 hex chars of SHA-256 over the sorted names joined by commas. */
export function permissionVersion(permissions: readonly string[]): string {
  return createHash('sha256').update([...permissions].sort().join(',')).digest('hex').slice(0, 8);
}

function userEntry(u: { id: string; accountId: string; email: string; name: string; status: string; roles: RoleLinks; tokens: Array<{ tokenDigest: string }> }, subdomain: string | null, jwt: JwtConfig): Json {
  const { roles, permissions } = grants(u.roles);
  const extra = { account_id: u.accountId, email: u.email, permission_version: permissionVersion(permissions) };
  const legacy = subdomain ? legacyTokenFor(subdomain, jwt.secret) : null;
  const hasLegacy = legacy !== null && u.tokens.some((t) => t.tokenDigest === tokenDigest(legacy));
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    roles,
    permissions,
    access_token: signToken(jwt, { type: 'access', sub: u.id, expiresInSeconds: TOKEN_TTL_SECONDS, extra }),
    ...(hasLegacy ? { legacy_token: legacy } : {}),
  };
}

function workerEntry(w: { id: string; accountId: string; name: string; status: string; isSystem: boolean; roles: RoleLinks }, jwt: JwtConfig): Json {
  const { roles, permissions } = grants(w.roles);
  const extra = { account_id: w.accountId, name: w.name, worker_type: w.isSystem ? 'system' : 'account', permission_version: permissionVersion(permissions) };
  return { id: w.id, name: w.name, status: w.status, is_system: w.isSystem, roles, permissions, worker_token: signToken(jwt, { type: 'worker', sub: w.id, expiresInSeconds: TOKEN_TTL_SECONDS, extra }) };
}

type Listed = { lister: ResourceLister; rows: ListedRow[] };

async function listTables(db: Db): Promise<Listed[]> {
  return Promise.all(RESOURCE_LISTERS.map(async (lister) => ({ lister, rows: await lister.list(db) })));
}

/** Rows of one account per account table, or (accountId null) the global tables plus account-less rows. */
function resourcesOf(tables: Listed[], accountId: string | null): Record<string, Json[]> {
  const out: Record<string, Json[]> = {};
  for (const { lister, rows } of tables) {
    if (accountId !== null && lister.global) continue;
    const mine = rows.filter((r) => r.accountId === accountId).map(({ accountId: _account, ...rest }) => snakeKeys(rest));
    if (mine.length > 0 || accountId !== null) out[lister.table] = mine;
  }
  return out;
}

function snakeKeys(row: Json): Json {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v instanceof Date ? v.toISOString() : v]));
}
