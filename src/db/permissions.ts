// Permission names reached through roles: users via user_roles → role_permissions → permissions, workers via
// worker_roles. `system.admin` implying everything is the caller's rule (src/auth/identity.ts), not applied here.

import type { Db } from './prisma';

/** Every permission name the channels check (the write actions of docs/channels.md). */
export const CHANNEL_PERMISSIONS = Object.freeze([
  'system.admin',
  'admin.access',
  'analytics.view',
  'ai.conversations.manage',
  'ai_orchestration.read',
  'ai.monitor',
  'ai.workflows.read',
  'ai.agents.read',
  'ai.providers.read',
  'git.pipelines.logs',
  'ai.workflows.create',
  'ai.workflows.update',
  'ai.workflows.execute',
  'ai.agents.execute',
  'ai.conversations.create',
  'ai.teams.execute',
  'mcp.tools.execute',
  'admin.user.manage',
  'users.read',
] as const);

/** Whose permissions to load. */
export type PermissionSubject = { userId: string } | { workerId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The set of permission names granted to a user or worker through its roles (empty for unknown or non-UUID ids). */
export async function permissionNamesFor(db: Db, subject: PermissionSubject): Promise<Set<string>> {
  const id = 'userId' in subject ? subject.userId : subject.workerId;
  if (!UUID.test(id)) return new Set();
  const holder = 'userId' in subject ? { users: { some: { userId: id } } } : { workers: { some: { workerId: id } } };
  const rows = await db.permission.findMany({ where: { roles: { some: { role: holder } } }, select: { name: true } });
  return new Set(rows.map((r) => r.name));
}
