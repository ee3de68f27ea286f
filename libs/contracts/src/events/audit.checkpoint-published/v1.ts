import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';

/**
 * A signed audit checkpoint: how many entries the log held and the link of its newest one, signed with the chain key
 * (HMAC-SHA256 over the canonical checkpoint, see libs/audit/feature checkpoint). Published outside the database so
 * a truncated tail or a rewritten log no longer matches the latest checkpoint seen. Producer and consumer: audit
 * (every replica keeps the newest checkpoint it has seen).
 */
export const AuditCheckpointPublishedV1 = z.object({
  /** Entries in the log when the checkpoint was taken (RESET entries included; the log is never erased). */
  entries: z.number().int().nonnegative(),
  /** Id of the newest entry covered; null for an empty log. */
  lastEntryId: z.string().regex(/^\d{1,19}$/).nullable(),
  /** The newest entry's link (the genesis value for an empty log). */
  head: z.string().regex(/^[0-9a-f]{64}$/),
  /** The chain key the signature was made with. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  takenAt: z.string().datetime({ offset: true }),
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditCheckpointPublishedV1 = z.infer<typeof AuditCheckpointPublishedV1>;

export const AuditCheckpointPublishedEvent = defineEvent({
  name: 'AuditCheckpointPublished',
  topic: 'audit.checkpoint-published.v1',
  schema: AuditCheckpointPublishedV1,
  summary: 'a signed checkpoint (entry count, head link) of the audit chain',
  producers: ['audit'],
  consumers: ['audit'],
});
