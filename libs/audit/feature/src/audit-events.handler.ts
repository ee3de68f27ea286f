import { Injectable } from '@nestjs/common';
import { type Envelope, type PayloadOf, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import type { ChainedFields } from './audit-chain';
import { AuditRecorder } from './audit-recorder.service';
import type { AuditAction } from './entities/audit-entry.entity';

type ArtifactEvent = PayloadOf<typeof Topic.ArtifactCreated | typeof Topic.ArtifactUpdated | typeof Topic.ArtifactDeleted | typeof Topic.ArtifactDownloaded | typeof Topic.SensitivityChanged>;

function fieldsOf(event: Envelope<ArtifactEvent>, action: AuditAction): ChainedFields {
  const p = event.payload;
  return {
    eventId: event.eventId,
    artifactId: p.artifactId,
    artifactType: p.artifactType,
    artifactName: p.name,
    action,
    userName: p.actor.name,
    userIsAdmin: p.actor.isAdmin,
    // The time the action happened at the gateway, not when audit got round to it.
    occurredAt: new Date(event.occurredAt),
  };
}

/** A gateway refusal as a REFUSE entry: who (null when anonymous), what artifact (when the route named one), why. */
function refusalFieldsOf(event: Envelope<PayloadOf<typeof Topic.RequestRefused>>): ChainedFields {
  const p = event.payload;
  return {
    eventId: event.eventId,
    artifactId: p.artifact?.id ?? null,
    artifactType: p.artifact?.type ?? null,
    artifactName: null,
    action: 'REFUSE',
    userName: p.actor?.name ?? null,
    userIsAdmin: p.actor?.isAdmin ?? null,
    occurredAt: new Date(event.occurredAt),
    status: p.status,
    reason: p.reason,
    httpMethod: p.method,
    route: p.route,
    clientAddress: p.clientAddress,
    message: p.message,
    suppressed: p.suppressed,
  };
}

/** Turns registry events, resets, gateway refusals and security actions into audit entries. Idempotent through the inbox (same transaction). */
@Injectable()
export class AuditEventsHandler {
  constructor(private readonly recorder: AuditRecorder) {}

  @OnEvent(Topic.ArtifactCreated)
  async onCreated(event: Envelope<PayloadOf<typeof Topic.ArtifactCreated>>, ctx: EventContext): Promise<void> {
    await this.recorder.append(ctx.manager, fieldsOf(event, 'CREATE'));
  }

  /** A new version, or an admin's download-gate override (then with its reason and the verdict it set aside). */
  @OnEvent(Topic.ArtifactUpdated)
  async onUpdated(event: Envelope<PayloadOf<typeof Topic.ArtifactUpdated>>, ctx: EventContext): Promise<void> {
    const override = event.payload.override;
    await this.recorder.append(ctx.manager, {
      ...fieldsOf(event, 'UPDATE'),
      ...(override ? { overrideReason: override.reason, overriddenVerdict: override.overridden } : {}),
    });
  }

  @OnEvent(Topic.ArtifactDeleted)
  async onDeleted(event: Envelope<PayloadOf<typeof Topic.ArtifactDeleted>>, ctx: EventContext): Promise<void> {
    await this.recorder.append(ctx.manager, fieldsOf(event, 'DELETE'));
  }

  @OnEvent(Topic.ArtifactDownloaded)
  async onDownloaded(event: Envelope<PayloadOf<typeof Topic.ArtifactDownloaded>>, ctx: EventContext): Promise<void> {
    await this.recorder.append(ctx.manager, fieldsOf(event, 'DOWNLOAD'));
  }

  /** Marking a model sensitive and attaching, replacing or removing its monitor program change the model: UPDATE. */
  @OnEvent(Topic.SensitivityChanged)
  async onSensitivityChanged(event: Envelope<PayloadOf<typeof Topic.SensitivityChanged>>, ctx: EventContext): Promise<void> {
    await this.recorder.append(ctx.manager, fieldsOf(event, 'UPDATE'));
  }

  /**
   * A release alias moved (registry.alias-moved.v1): an UPDATE of the model whose subject names the alias and whose
   * detail says how (an approved promotion and its approvers, or an emergency rollback) and between which versions.
   */
  @OnEvent(Topic.AliasMoved)
  async onAliasMoved(event: Envelope<PayloadOf<typeof Topic.AliasMoved>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const how = p.kind === 'rollback' ? 'emergency rollback' : `promotion (request ${p.requestId ?? '?'}, approved by ${p.approvers.join(', ') || 'nobody'})`;
    await this.recorder.append(ctx.manager, {
      eventId: event.eventId,
      artifactId: p.artifactId,
      artifactType: p.artifactType,
      artifactName: p.name,
      action: 'UPDATE',
      userName: p.actor.name,
      userIsAdmin: p.actor.isAdmin,
      occurredAt: new Date(event.occurredAt),
      subject: `alias:${p.alias}`,
      detail: `${how}: ${p.fromVersion ?? '(none)'} -> ${p.toVersion}`.slice(0, 1000),
    });
  }

  @OnEvent(Topic.RequestRefused)
  async onRefused(event: Envelope<PayloadOf<typeof Topic.RequestRefused>>, ctx: EventContext): Promise<void> {
    await this.recorder.append(ctx.manager, refusalFieldsOf(event));
  }

  /**
   * A sign-in, sign-out, token revocation, account change, signing-key event or release decision (RELEASE_*) at the
   * gateway: its action, who, and on what (with the artifact when the event names one, so `GET /audit/entries?artifact=`
   * finds a version's key use or a model's release requests).
   */
  @OnEvent(Topic.SecurityEvent)
  async onSecurityEvent(event: Envelope<PayloadOf<typeof Topic.SecurityEvent>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    await this.recorder.append(ctx.manager, {
      eventId: event.eventId,
      artifactId: p.artifact?.artifactId ?? null,
      artifactType: p.artifact?.artifactType ?? null,
      artifactName: p.artifact?.name ?? null,
      action: p.action,
      userName: p.actor?.name ?? null,
      userIsAdmin: p.actor?.isAdmin ?? null,
      occurredAt: new Date(p.occurredAt),
      subject: p.subject,
      detail: p.detail ?? null,
    });
  }

  @OnEvent(Topic.RegistryReset)
  async onReset(event: Envelope<PayloadOf<typeof Topic.RegistryReset>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    await this.recorder.append(ctx.manager, {
      eventId: event.eventId,
      artifactId: null,
      artifactType: null,
      artifactName: null,
      action: 'RESET',
      userName: p.actor.name,
      userIsAdmin: p.actor.isAdmin,
      occurredAt: new Date(event.occurredAt),
    });
  }
}
