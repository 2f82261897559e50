// Demo identity rows: permissions, roles and their grants, accounts, users, workers, a legacy user token and a
// blacklisted jti per active account.

import { tokenDigest } from '../../auth/jwt';
import { CHANNEL_PERMISSIONS } from '../permissions';
import {
  ACTIVE_ACCOUNT_USERS,
  ACTIVE_ACCOUNT_WORKERS,
  DEMO_ROLES,
  SUSPENDED_ACCOUNT_USERS,
  legacyTokenFor,
  type AccountSpec,
  type UserSpec,
  type WorkerSpec,
} from './catalog';
import { FAR_FUTURE, scopedIds, seedId, seedTime } from './ids';
import type { DemoAccount, DemoRowsPart } from './types';

/** The deterministic id of a global role. */
export function roleId(name: string): string {
  return seedId(`role:${name}`);
}

/** Permission, role and role_permission rows. */
export function roleRows(): DemoRowsPart {
  const names = [...new Set<string>([...CHANNEL_PERMISSIONS, ...Object.values(DEMO_ROLES).flat()])];
  const permissionId = (name: string) => seedId(`permission:${name}`);
  return {
    permission: names.map((name) => ({ id: permissionId(name), name, createdAt: seedTime(0) })),
    role: Object.keys(DEMO_ROLES).map((name) => ({ id: roleId(name), name, description: `Demo ${name} role`, createdAt: seedTime(0) })),
    rolePermission: Object.entries(DEMO_ROLES).flatMap(([role, perms]) => perms.map((p) => ({ roleId: roleId(role), permissionId: permissionId(p) }))),
  };
}

/** The seeding context of an account. */
export function demoAccount(spec: AccountSpec): DemoAccount {
  const ids = scopedIds(spec.key);
  return { key: spec.key, id: ids('account'), name: spec.name, ownerId: ids('user:owner'), memberId: ids('user:member'), ids };
}

/** The account row with its users, workers and credentials. */
export function accountRows(spec: AccountSpec, secret: string): DemoRowsPart {
  const a = demoAccount(spec);
  const active = spec.status === 'active';
  const users = active ? ACTIVE_ACCOUNT_USERS : SUSPENDED_ACCOUNT_USERS;
  const workers = active ? ACTIVE_ACCOUNT_WORKERS : [];
  return {
    account: [{ id: a.id, name: spec.name, subdomain: spec.key, status: spec.status, createdAt: seedTime(0) }],
    user: users.map((u, i) => userRow(a, u, i)),
    userRole: users.flatMap((u) => u.roles.map((r) => ({ userId: a.ids(`user:${u.key}`), roleId: roleId(r) }))),
    worker: workers.map((w, i) => workerRow(a, w, i)),
    workerRole: workers.flatMap((w) => w.roles.map((r) => ({ workerId: a.ids(`worker:${w.key}`), roleId: roleId(r) }))),
    ...(active ? credentialRows(a, secret) : {}),
  };
}

function userRow(a: DemoAccount, u: UserSpec, position: number) {
  const active = u.status === 'active';
  return {
    id: a.ids(`user:${u.key}`),
    accountId: a.id,
    email: `${u.key}@${a.key}.example`,
    name: `${a.name} ${u.name}`,
    status: u.status,
    emailVerified: active,
    lastLoginAt: active ? seedTime(60) : null,
    createdAt: seedTime(1 + position),
  };
}

function workerRow(a: DemoAccount, w: WorkerSpec, position: number) {
  return { id: a.ids(`worker:${w.key}`), accountId: a.id, name: `${a.name} ${w.name}`, status: w.status, isSystem: false, createdAt: seedTime(5 + position) };
}

function credentialRows(a: DemoAccount, secret: string): DemoRowsPart {
  return {
    userToken: [
      { id: a.ids('user-token:owner'), userId: a.ownerId, tokenDigest: tokenDigest(legacyTokenFor(a.key, secret)), tokenType: 'access', name: 'Demo legacy token', expiresAt: FAR_FUTURE, createdAt: seedTime(3) },
    ],
    jwtBlacklist: [{ id: a.ids('jwt-blacklist:demo'), jti: `demo-revoked-jti-${a.key}`, userId: a.memberId, expiresAt: FAR_FUTURE, reason: 'demo revoked token', createdAt: seedTime(4) }],
  };
}
