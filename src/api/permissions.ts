/** An admin account's role; each grants the permissions of the table below. */
export type Role = 'superadmin' | 'admin' | 'editor' | 'viewer';

/** What a route needs the caller to be allowed. */
export type Permission =
  | 'read'
  | 'files:write'
  | 'users:ban'
  | 'broadcasts:write'
  | 'settings:write'
  | 'audit:read'
  | 'health:read'
  | 'accounts:manage';

export const roles = ['superadmin', 'admin', 'editor', 'viewer'] as const satisfies readonly Role[];

/** The role table of issue #7 (README, "Admin HTTP API"). */
const granted: Record<Permission, readonly Role[]> = {
  read: roles,
  'files:write': ['superadmin', 'admin', 'editor'],
  'users:ban': ['superadmin', 'admin'],
  'broadcasts:write': ['superadmin', 'admin'],
  'settings:write': ['superadmin', 'admin'],
  'audit:read': ['superadmin', 'admin'],
  'health:read': ['superadmin', 'admin'],
  'accounts:manage': ['superadmin'],
};

export function can(role: Role, permission: Permission): boolean {
  return granted[permission].includes(role);
}
