import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';
import { ActorSchema, ArtifactIdSchema } from '../../common';
import { RefusalReasonSchema } from '../../events/gateway.request-refused/v1';
import { SECURITY_ACTIONS } from '../../events/gateway.security-event/v1';

/**
 * Every action the log stores (the spec's artifact audit shows only CREATE/UPDATE/DOWNLOAD/RATE/AUDIT of them); the
 * security actions come from gateway.security-event.v1.
 */
export const AUDIT_LOG_ACTIONS = ['CREATE', 'UPDATE', 'DOWNLOAD', 'DELETE', 'RATE', 'AUDIT', 'REFUSE', 'RESET', ...SECURITY_ACTIONS] as const;
export const AuditLogActionSchema = z.enum(AUDIT_LOG_ACTIONS);
export type AuditLogAction = z.infer<typeof AuditLogActionSchema>;

export const AUDIT_ENTRIES_DEFAULT_LIMIT = 100;
export const AUDIT_ENTRIES_MAX_LIMIT = 500;

/** One entry of the security log as stored: chained (`prevHash` → `hash`), refusals with their facts. */
export const AuditLogEntryV1 = z.object({
  /** Position in the chain: the cursor for `after`. */
  id: z.string().regex(/^\d+$/),
  eventId: z.string().uuid(),
  date: z.string().datetime({ offset: true }),
  action: AuditLogActionSchema,
  /** Null for an anonymous refusal (no valid token). */
  actor: ActorSchema.nullable(),
  artifact: z.object({ id: z.string(), type: z.string().nullable(), name: z.string().nullable() }).nullable(),
  refusal: z
    .object({
      status: z.number().int(),
      reason: RefusalReasonSchema,
      method: z.string(),
      route: z.string(),
      clientAddress: z.string(),
      message: z.string(),
      suppressed: z.number().int().nonnegative(),
    })
    .nullable(),
  /** An admin's download-gate override (an UPDATE entry): why, and the verdict set aside; null elsewhere. */
  override: z.object({ reason: z.string(), overridden: z.string() }).nullable().optional(),
  /** A security action's subject (user name, token id; never a secret) and optional detail; null elsewhere. */
  security: z.object({ subject: z.string(), detail: z.string().nullable() }).nullable().optional(),
  prevHash: z.string().length(64),
  hash: z.string().length(64),
});
export type AuditLogEntryV1 = z.infer<typeof AuditLogEntryV1>;

export const AuditEntriesPageV1 = z.object({
  entries: z.array(AuditLogEntryV1).max(AUDIT_ENTRIES_MAX_LIMIT),
  /** The `after` of the next page; null when this page is the last one so far. */
  next: z.string().nullable(),
});
export type AuditEntriesPageV1 = z.infer<typeof AuditEntriesPageV1>;

/**
 * The security log, oldest first, filtered and keyset-paginated by entry id. Server: audit. Caller: gateway
 * (`GET /audit/entries`, admin only). An empty filter match is an empty page, not a 404.
 */
export const AuditEntriesQuery = defineQuery({
  name: 'AuditEntries',
  summary: 'security log entries (refusals included), filtered and paginated',
  server: 'audit',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/audit/entries',
  request: z.object({
    action: AuditLogActionSchema.optional(),
    reason: RefusalReasonSchema.optional(),
    actor: z.string().min(1).max(256).optional(),
    artifact: ArtifactIdSchema.optional(),
    after: z.string().regex(/^\d{1,19}$/).optional(),
    limit: z.number().int().min(1).max(AUDIT_ENTRIES_MAX_LIMIT).optional(),
  }),
  responses: { 200: AuditEntriesPageV1 },
  maxResponseBytes: 2 * 1024 * 1024,
});
