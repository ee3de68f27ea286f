import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** An alias name: `staging`, `production` or any name a team defines (lower case, URL- and header-safe). */
export const ALIAS_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** How the alias moved: an approved promotion, or an emergency rollback (no approval round). */
export const ALIAS_MOVE_KINDS = ['promotion', 'rollback'] as const;

/**
 * A model's release alias (`production`, `staging`, …) now points at another version. Producer: gateway (in the
 * transaction that moves the alias and writes its history). Consumer: audit (an UPDATE entry naming the alias and
 * both versions). Keyed by the artifact id, so the moves of one model stay in order.
 */
export const AliasMovedV1 = ArtifactRefSchema.extend({
  alias: z.string().regex(ALIAS_NAME_PATTERN),
  /** The version the alias pointed at before; null for its first promotion. */
  fromVersion: z.string().min(1).max(64).nullable(),
  toVersion: z.string().min(1).max(64),
  kind: z.enum(ALIAS_MOVE_KINDS),
  /** The approved promotion request; null for a rollback. */
  requestId: z.string().uuid().nullable(),
  /** Who approved the promotion (empty for a rollback). */
  approvers: z.array(z.string().min(1).max(128)).max(16),
  actor: ActorSchema,
});
export type AliasMovedV1 = z.infer<typeof AliasMovedV1>;

export const AliasMovedEvent = defineEvent({
  name: 'AliasMoved',
  topic: 'registry.alias-moved.v1',
  schema: AliasMovedV1,
  summary: "a model's release alias now points at another version",
  producers: ['gateway'],
  consumers: ['audit'],
});
