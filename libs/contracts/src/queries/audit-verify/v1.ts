import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';

/** The verdict on the audit chain and its latest signed checkpoint; `ok: false` names the first broken link. */
export const AuditVerificationV1 = z.object({
  ok: z.boolean(),
  /** Entries walked (up to and including the broken one). */
  entries: z.number().int().nonnegative(),
  /** Event id and entry id of the first entry that does not verify (absent when the log is whole or only its tail is missing). */
  brokenAt: z.string().uuid().optional(),
  entryId: z.string().regex(/^\d{1,19}$/).optional(),
  /** Why: a link that does not match, an unkeyed or unknown-key entry, a missing predecessor, a truncated or rewritten tail. */
  problem: z.string().max(1_000).optional(),
  /** The newest signed checkpoint compared against; null when none was taken yet (the newest entries are then unprotected). */
  checkpoint: z.object({ entries: z.number().int().nonnegative(), lastEntryId: z.string().nullable(), takenAt: z.string().datetime({ offset: true }) }).nullable(),
});
export type AuditVerificationV1 = z.infer<typeof AuditVerificationV1>;

/** Walks the whole audit chain and compares it with the latest checkpoint. Server: audit. Caller: gateway (`GET /audit/verify`, admin). */
export const AuditVerifyQuery = defineQuery({
  name: 'AuditVerify',
  summary: 'verify the keyed audit chain against its latest signed checkpoint',
  server: 'audit',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/audit/verify',
  request: z.object({}),
  responses: { 200: AuditVerificationV1 },
  maxResponseBytes: 64 * 1024,
});
