import type { AuditLogEntryV1, RefusalReason } from '@modelguard/contracts';
import type { AuditEntryEntity } from './entities/audit-entry.entity';

/** A stored entry as the security log serves it (GET /audit/entries) and audit.entry-appended.v1 carries it. */
export function logEntryOf(r: AuditEntryEntity): AuditLogEntryV1 {
  return {
    id: r.id,
    eventId: r.eventId,
    date: r.occurredAt.toISOString(),
    action: r.action,
    actor: r.userName === null ? null : { name: r.userName, isAdmin: r.userIsAdmin ?? false },
    artifact: r.artifactId === null ? null : { id: r.artifactId, type: r.artifactType, name: r.artifactName },
    refusal:
      r.reason === null
        ? null
        : {
            status: r.status ?? 0,
            reason: r.reason as RefusalReason,
            method: r.httpMethod ?? '',
            route: r.route ?? '',
            clientAddress: r.clientAddress ?? '',
            message: r.message ?? '',
            suppressed: r.suppressed ?? 0,
          },
    override: r.overrideReason === null ? null : { reason: r.overrideReason, overridden: r.overriddenVerdict ?? '' },
    // typeof, not === null: rows built before the column existed (exports, test fixtures) lack the field entirely.
    security: typeof r.subject === 'string' ? { subject: r.subject, detail: r.detail ?? null } : null,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}
