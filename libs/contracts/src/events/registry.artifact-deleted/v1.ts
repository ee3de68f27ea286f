import type { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** An artifact (all of its versions) was deleted. Producer: gateway. Consumers: audit (DELETE entry), scoring (no longer links or rates it),
 * lineage (its children's edges to it become pending again). */
export const ArtifactDeletedV1 = ArtifactRefSchema.extend({ actor: ActorSchema });
export type ArtifactDeletedV1 = z.infer<typeof ArtifactDeletedV1>;

export const ArtifactDeletedEvent = defineEvent({
  name: 'ArtifactDeleted',
  topic: 'registry.artifact-deleted.v1',
  schema: ArtifactDeletedV1,
  summary: 'an artifact and all its versions were deleted',
  producers: ['gateway'],
  consumers: ['audit', 'scoring', 'lineage'],
});
