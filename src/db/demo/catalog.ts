// The demo cast: accounts, roles with their permissions, users and workers. Data only; demo/identity.ts writes it.

import { createHmac } from 'node:crypto';
import { CHANNEL_PERMISSIONS } from '../permissions';

/** A demo account. */
export interface AccountSpec {
  key: string;
  name: string;
  status: 'active' | 'suspended' | 'cancelled';
}

/** A demo user (email is `<key>@<account key>.example`). */
export interface UserSpec {
  key: 'owner' | 'member' | 'viewer' | 'inactive';
  name: string;
  status: 'active' | 'inactive';
  roles: string[];
}

/** A demo worker. */
export interface WorkerSpec {
  key: 'worker' | 'revoked-worker';
  name: string;
  status: 'active' | 'revoked';
  roles: string[];
}

/** Two active accounts and one suspended account. */
export const DEMO_ACCOUNTS: readonly AccountSpec[] = [
  { key: 'acme', name: 'Acme', status: 'active' },
  { key: 'globex', name: 'Globex', status: 'active' },
  { key: 'initech', name: 'Initech', status: 'suspended' },
];

/** The member permissions the channels check for ordinary users (Powernode's member role can also send messages). */
export const MEMBER_PERMISSIONS = [
  'analytics.view',
  'ai.conversations.manage',
  'ai.conversations.create',
  'ai_orchestration.read',
  'ai.monitor',
  'ai.workflows.read',
  'git.pipelines.logs',
  'admin.access',
] as const;

/** Global roles and the permissions each grants. */
export const DEMO_ROLES: Readonly<Record<string, readonly string[]>> = {
  owner: ['system.admin'],
  admin: CHANNEL_PERMISSIONS.filter((p) => p !== 'system.admin'),
  member: MEMBER_PERMISSIONS,
  viewer: [],
  worker: ['ai.agents.read', 'ai.providers.read'],
};

/** Users of every active account. */
export const ACTIVE_ACCOUNT_USERS: readonly UserSpec[] = [
  { key: 'owner', name: 'Owner', status: 'active', roles: ['owner'] },
  { key: 'member', name: 'Member', status: 'active', roles: ['member'] },
  { key: 'viewer', name: 'Viewer', status: 'active', roles: ['viewer'] },
  { key: 'inactive', name: 'Inactive', status: 'inactive', roles: ['member'] },
];

/** Users of a suspended account: an active owner whose account status blocks sign-in. */
export const SUSPENDED_ACCOUNT_USERS: readonly UserSpec[] = [{ key: 'owner', name: 'Owner', status: 'active', roles: ['owner'] }];

/** Workers of every active account. */
export const ACTIVE_ACCOUNT_WORKERS: readonly WorkerSpec[] = [
  { key: 'worker', name: 'Worker', status: 'active', roles: ['worker'] },
  { key: 'revoked-worker', name: 'Revoked Worker', status: 'revoked', roles: ['worker'] },
];

/**
 * The raw legacy opaque token of an account owner (its SHA-256 is stored in user_tokens.token_digest): derived from
 * the installation's JWT secret, so it is unguessable wherever the secret is (a generated development secret is
 * random per data directory) and the manifest can print it again.
 */
export function legacyTokenFor(accountKey: string, secret: string): string {
  return `demo-legacy-${accountKey}-${createHmac('sha256', secret).update(`demo-legacy-token:${accountKey}`).digest('hex').slice(0, 32)}`;
}
