import type { Permission } from '@modelguard/domain';

// The permission model is shared domain vocabulary; re-exported because apps and tests read it from the gateway.
export { PERMISSIONS, type Permission } from '@modelguard/domain';

/** Who is calling. The guard puts it on the request; per-permission checks use `permissions`. */
export interface RequestActor {
  name: string;
  isAdmin: boolean;
  permissions: Permission[];
}

export const DEFAULT_ADMIN_NAME = 'ece30861defaultadminuser';

/** The canonical default admin password: the string the course autograder sends (ece461.md §5.3). */
export const DEFAULT_ADMIN_PASSWORD = 'correcthorsebatterystaple123(!__+@**(A\'"`;DROP TABLE packages;';

/**
 * Spellings of the default password found in the spec example and the course PDF. They are mapped to the canonical
 * password before verification, so they stop working as soon as the admin changes the password.
 */
export const DEFAULT_ADMIN_PASSWORD_VARIANTS: readonly string[] = [
  'correcthorsebatterystaple123(!__+@**(A\'"`;DROP TABLE artifacts;',
  'correcthorsebatterystaple123(!__+@**(A;DROP TABLE packages',
];
