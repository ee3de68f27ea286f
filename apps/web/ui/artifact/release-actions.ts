import type { Claims } from '../api/session';
import type { ReleaseAlias, ReleaseRequest } from '../api/types';

/** The alias name rule of the extension spec (ReleaseAlias parameter). */
export const ALIAS_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Whether to offer requesting a release and rolling back: the gateway decides ownership (the model's owner with
 * upload permission, or an admin); the page only hides the controls from users who can never do either.
 */
export function mayRelease(claims: Claims | undefined): boolean {
  return claims !== undefined && (claims.isAdmin || claims.permissions.includes('upload'));
}

/**
 * Whether to offer Approve: the gateway decides (the alias's policy may need admins, and it refuses the requester);
 * the page only hides the buttons from users who can never approve.
 */
export function mayApprove(claims: Claims | undefined, r: ReleaseRequest): boolean {
  return mayRelease(claims) && claims?.name !== r.requested_by;
}

/**
 * The version a rollback would point the alias back at, as the gateway computes it: the newest promotion that
 * brought the alias to its current version and is not yet undone, from its previous version. Undefined when the
 * gateway would answer `no_history` (the button is then not offered).
 */
export function rollbackTarget(alias: ReleaseAlias): string | undefined {
  if (alias.version === null) return undefined;
  const last = (alias.history ?? []).find((h) => h.kind === 'promotion' && !h.rolled_back && h.to_version === alias.version);
  return last?.from_version ?? undefined;
}
