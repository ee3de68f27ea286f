import type { SecurityAction } from '@modelguard/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { SecurityEvents } from '../auth/security-events';
import type { ArtifactEntity } from '../persistence/artifact.entity';
import type { ReleaseRequestEntity } from './release.entities';

/** What every release entry names besides the model (the entry's artifact) and who (its actor). */
export type AuditedRequest = Pick<ReleaseRequestEntity, 'id' | 'alias' | 'version' | 'requestedBy' | 'expiresAt'>;

/**
 * Puts the decisions of the release workflow in the hash-chained audit trail (issue 17.2): a request, each approval,
 * a rejection or withdrawal, and an expiry, as gateway.security-event.v1 RELEASE_* events written through the
 * outbox in the caller's transaction, so an entry exists if and only if the state change it reports committed. The
 * alias move an approval causes has its own entry (registry.alias-moved.v1, alias-mover.ts); gate refusals are
 * REFUSE entries. Subject `alias:<name>` like the move's entry; the detail starts with the request id and version.
 */
@Injectable()
export class ReleaseAudit {
  constructor(private readonly security: SecurityEvents) {}

  requested(m: EntityManager, actor: RequestActor, artifact: ArtifactEntity, r: AuditedRequest, approvalsRequired: number): Promise<void> {
    return this.publish(m, actor, 'RELEASE_REQUEST', artifact, r, `requested, needs ${approvalsRequired} approval(s)`);
  }

  approved(m: EntityManager, actor: RequestActor, artifact: ArtifactEntity, r: AuditedRequest, count: number, required: number): Promise<void> {
    return this.publish(m, actor, 'RELEASE_APPROVE', artifact, r, `approval ${count} of ${required}`);
  }

  /** By an approver (rejected) or by the requester (withdrawn); the reason comes last, so truncation cuts only it. */
  rejected(m: EntityManager, actor: RequestActor, artifact: ArtifactEntity, r: AuditedRequest, reason: string | null): Promise<void> {
    const how = actor.name === r.requestedBy ? 'withdrawn by the requester' : 'rejected';
    return this.publish(m, actor, 'RELEASE_REJECT', artifact, r, reason === null ? how : `${how}: ${reason}`);
  }

  /** Nobody acted (actor null); the requester is named instead. Callers emit it only on the pending → expired change. */
  expired(m: EntityManager, artifact: ArtifactEntity, r: AuditedRequest): Promise<void> {
    return this.publish(m, null, 'RELEASE_EXPIRE', artifact, r, `requested by ${r.requestedBy}, expired unapproved at ${r.expiresAt.toISOString()}`);
  }

  private publish(m: EntityManager, actor: RequestActor | null, action: SecurityAction, artifact: ArtifactEntity, r: AuditedRequest, what: string): Promise<void> {
    const ref = { artifactId: artifact.id, artifactType: artifact.type, name: artifact.name };
    return this.security.publish(m, actor, action, `alias:${r.alias}`, `request ${r.id}: version ${r.version} ${what}`, ref);
  }
}
