import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';

/** The newest entry of the audit chain: where a live follower starts when it has nothing to resume from. */
export const AuditHeadV1 = z.object({
  /** Id of the newest entry; null for an empty log. */
  lastEntryId: z.string().regex(/^\d{1,19}$/).nullable(),
  /** Its link (the genesis value for an empty log). */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditHeadV1 = z.infer<typeof AuditHeadV1>;

/** The chain's head. Server: audit. Caller: gateway (`GET /audit/stream` starts following the log from it). */
export const AuditHeadQuery = defineQuery({
  name: 'AuditHead',
  summary: 'the newest entry id and link of the audit chain',
  server: 'audit',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/audit/head',
  request: z.object({}),
  responses: { 200: AuditHeadV1 },
  maxResponseBytes: 4 * 1024,
});
