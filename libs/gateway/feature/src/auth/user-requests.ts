import { isPermission, PERMISSIONS, type Permission } from '@modelguard/domain';
import { ClientError } from '../domain/client-error';

export const USER_NAME_MAX_LENGTH = 128;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

/** Printable ASCII without '/' (names are path segments of /users/{name}) and without outer spaces. */
const USER_NAME = /^[!-.0-~]([ -.0-~]*[!-.0-~])?$/;

export interface RegisterRequest {
  name: string;
  password: string;
  isAdmin: boolean;
  permissions: Permission[];
}

/** Why a user name is refused, or null when it is acceptable. Checked before anything is stored or looked up. */
export function userNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'user name must be a non-empty string';
  if (name.length > USER_NAME_MAX_LENGTH) return `user name must be at most ${USER_NAME_MAX_LENGTH} characters (got ${name.length})`;
  if (!USER_NAME.test(name)) return 'user name must be printable ASCII without "/" and without leading or trailing spaces';
  return null;
}

export function parseUserName(name: unknown): string {
  const problem = userNameProblem(name);
  if (problem !== null) throw new ClientError(400, problem);
  return name as string;
}

/**
 * POST /users: the spec's AuthenticationRequest shape plus a permission list. `is_admin: true` and the `admin`
 * permission mean the same and imply each other; unknown permissions are refused, not dropped.
 */
export function parseRegisterRequest(body: unknown): RegisterRequest {
  const shape = 'body must be {"user":{"name":string,"is_admin":boolean},"secret":{"password":string},"permissions":[...]}';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ClientError(400, shape);
  const { user, secret, permissions } = body as { user?: unknown; secret?: unknown; permissions?: unknown };
  if (typeof user !== 'object' || user === null || typeof secret !== 'object' || secret === null) throw new ClientError(400, shape);
  const { name, is_admin: isAdminFlag } = user as { name?: unknown; is_admin?: unknown };
  const { password } = secret as { password?: unknown };
  const parsedName = parseUserName(name);
  if (isAdminFlag !== undefined && typeof isAdminFlag !== 'boolean') throw new ClientError(400, 'user.is_admin must be a boolean');
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new ClientError(400, `secret.password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
  const list = permissions ?? [];
  if (!Array.isArray(list) || list.length > PERMISSIONS.length * 2) throw new ClientError(400, `permissions must be an array of ${PERMISSIONS.join(', ')}`);
  const unknown = list.filter((p) => !isPermission(p));
  if (unknown.length > 0) throw new ClientError(400, `unknown permission(s): ${unknown.map((p) => JSON.stringify(p).slice(0, 40)).join(', ')}; known: ${PERMISSIONS.join(', ')}`);
  const isAdmin = isAdminFlag === true || list.includes('admin');
  const granted = PERMISSIONS.filter((p) => list.includes(p) || (p === 'admin' && isAdmin));
  return { name: parsedName, password, isAdmin, permissions: granted };
}
