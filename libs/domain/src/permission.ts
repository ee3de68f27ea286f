/**
 * Per-user permissions of the registry (the spec has no groups): `upload` creates and updates artifacts, `search`
 * reads the directory and metadata, `download` fetches packages, `admin` resets the registry and manages users.
 */
export const PERMISSIONS = ['upload', 'search', 'download', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The part of a caller that authorisation looks at. */
export interface PermissionHolder {
  isAdmin: boolean;
  permissions: readonly Permission[];
}

export function isPermission(value: unknown): value is Permission {
  return (PERMISSIONS as readonly unknown[]).includes(value);
}

/** Keeps the known permissions of an untrusted list (a token claim, a stored row), dropping everything else. */
export function parsePermissions(values: readonly unknown[]): Permission[] {
  return values.filter(isPermission);
}

/** Whether the holder may do what `needed` guards. Admins pass every check, whatever their permission list says. */
export function allows(holder: PermissionHolder, needed: Permission): boolean {
  return holder.isAdmin || holder.permissions.includes(needed);
}
