import { SECURITY_DETAIL_MAX, type SecurityAction, Topic, type PayloadOf } from '@modelguard/contracts';
import type { ArtifactRef } from '@modelguard/domain';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import type { RequestActor } from './actor';

/**
 * Publishes gateway.security-event.v1 (sign-ins, sign-outs, token revocations, account changes) for the audit log.
 * With a manager the event joins the change's own transaction (it exists if and only if the change commits); without
 * one (sign-in, whose token is recorded by the ledger's own transaction) it is written right after the change.
 * The subject is a user name or token id: callers never pass a password or token.
 */
@Injectable()
export class SecurityEvents {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * `artifact` names the artifact acted on, when there is one (a signing key's use on a stored version). `actor` is
   * null only for what nobody did (a release request that expired).
   */
  async publish(m: EntityManager | null, actor: RequestActor | null, action: SecurityAction, subject: string, detail?: string, artifact?: ArtifactRef): Promise<void> {
    const payload: PayloadOf<typeof Topic.SecurityEvent> = {
      occurredAt: new Date(this.clock.now()).toISOString(),
      actor: actor === null ? null : { name: actor.name, isAdmin: actor.isAdmin },
      action,
      subject,
      ...(detail === undefined ? {} : { detail: detail.slice(0, SECURITY_DETAIL_MAX) }),
      ...(artifact === undefined ? {} : { artifact: { artifactId: artifact.artifactId, artifactType: artifact.artifactType, name: artifact.name } }),
    };
    // Keyed by the acting user: one user's actions stay in order (nobody's by what they concern).
    const write = (tx: EntityManager) => this.outbox.enqueue(tx, Topic.SecurityEvent, payload, { key: actor?.name ?? subject });
    await (m === null ? this.dataSource.transaction(write) : write(m));
  }
}
