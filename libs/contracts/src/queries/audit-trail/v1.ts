import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';
import { ArtifactIdSchema, ArtifactTypeSchema } from '../../common';

/** The spec's ArtifactAuditEntry. DELETE entries stay in the log but are not served (the spec has no DELETE). */
export const ArtifactAuditEntryV1 = z.object({
  user: z.object({ name: z.string().min(1), is_admin: z.boolean() }),
  date: z.string().datetime({ offset: true }),
  artifact: z.object({ name: z.string().min(1), id: ArtifactIdSchema, type: ArtifactTypeSchema }),
  action: z.enum(['CREATE', 'UPDATE', 'DOWNLOAD', 'RATE', 'AUDIT']),
});
export type ArtifactAuditEntryV1 = z.infer<typeof ArtifactAuditEntryV1>;

/** An artifact's history is small; the bound only stops a pathological one. */
export const MAX_AUDIT_ENTRIES_PER_ARTIFACT = 10_000;

export const AuditTrailV1 = z.array(ArtifactAuditEntryV1).max(MAX_AUDIT_ENTRIES_PER_ARTIFACT);
export type AuditTrailV1 = z.infer<typeof AuditTrailV1>;

/**
 * An artifact's audit trail in time order. Server: audit. Caller: gateway (`GET /artifact/{type}/{id}/audit`).
 * An unknown artifact has an empty trail (the gateway answers 404 for it before asking).
 */
export const AuditTrailQuery = defineQuery({
  name: 'AuditTrail',
  summary: 'audit trail of an artifact',
  server: 'audit',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/artifacts/:id/audit',
  request: z.object({ id: ArtifactIdSchema }),
  responses: { 200: AuditTrailV1 },
  maxResponseBytes: 5 * 1024 * 1024,
});
