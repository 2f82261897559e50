// Who is a platform administrator and who administers an account, for the platform channels. Role names are
// compared case-insensitively (Powernode's CustomersController spells them "Owner"/"Admin").

import type { Identity } from '../../src/auth/identity';

/** Roles that make an `admin.access` holder a platform (cross-account) administrator. */
export const PLATFORM_ADMIN_ROLES: readonly string[] = ['super_admin', 'platform_admin'];

/** Roles that administer their own account (Powernode's `admin?` or `owner?`). */
export const ACCOUNT_ADMIN_ROLES: readonly string[] = ['admin', 'super_admin', 'owner'];

function hasRole(identity: Identity, names: readonly string[]): boolean {
  return identity.kind === 'user' && identity.roles.some((r) => names.includes(r.toLowerCase()));
}

/**
 * A platform (cross-account) administrator: holds `admin.access` (or `system.admin`, which implies it) AND a
 * platform-admin role. Neither the permission alone (ordinary members may hold it) nor an account role (an
 * account owner may hold `system.admin`) is enough.
 */
export function isPlatformAdmin(identity: Identity): boolean {
  if (identity.kind !== 'user' || !hasRole(identity, PLATFORM_ADMIN_ROLES)) return false;
  return identity.permissions.has('admin.access') || identity.permissions.has('system.admin');
}

/** Whether the user holds one of the account-administrator roles. */
export function isAccountAdmin(identity: Identity): boolean {
  return hasRole(identity, ACCOUNT_ADMIN_ROLES);
}
