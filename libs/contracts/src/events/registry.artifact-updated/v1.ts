import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** An admin released a version the download gate held back: why, and which verdict was set aside. */
export const GateOverrideSchema = z.object({
  reason: z.string().min(1).max(1000),
  overridden: z.enum(['blocked', 'flagged']),
});
export type GateOverride = z.infer<typeof GateOverrideSchema>;

/**
 * New content was stored as a new immutable version, or (with `override`) an admin released a held-back version.
 * Producer: gateway. Consumers: audit (UPDATE entry, with the override's reason and verdict when present); gateway (seals a sensitive model's new blobs).
 */
export const ArtifactUpdatedV1 = ArtifactRefSchema.extend({
  url: z.string().min(1),
  version: z.string().min(1),
  actor: ActorSchema,
  /** Optional (added later): present only on a download-gate override. */
  override: GateOverrideSchema.optional(),
});
export type ArtifactUpdatedV1 = z.infer<typeof ArtifactUpdatedV1>;

export const ArtifactUpdatedEvent = defineEvent({
  name: 'ArtifactUpdated',
  topic: 'registry.artifact-updated.v1',
  schema: ArtifactUpdatedV1,
  summary: 'a new version of an artifact was registered',
  producers: ['gateway'],
  consumers: ['audit', 'gateway'],
});
