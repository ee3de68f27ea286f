import { ClientError } from '../domain/client-error';
import type { RequestActor } from './actor';

/**
 * Object-level authorisation (no IDOR): changing or deleting an artifact needs its owner or an admin, on top of the
 * route's permission. Artifacts without an owner (registered before owners were recorded, or whose owner's account
 * was deleted) are admin-only. 403 is the status the spec documents for these operations.
 */
export function assertMayModifyArtifact(actor: RequestActor, artifact: { owner: string | null }, action: 'update' | 'delete'): void {
  if (actor.isAdmin || (artifact.owner !== null && artifact.owner === actor.name)) return;
  throw new ClientError(403, `only the artifact's owner or an admin may ${action} it`, {}, {}, 'forbidden-ownership');
}

/** Account-level authorisation: a user may act on their own account, an admin on any. */
export function assertSelfOrAdmin(actor: RequestActor, userName: string): void {
  if (actor.isAdmin || actor.name === userName) return;
  throw new ClientError(403, 'you may only act on your own account (or be an admin)', {}, {}, 'forbidden-ownership');
}
