import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** New content was stored as a new immutable version. Producer: gateway. Consumer: audit (UPDATE entry). */
export const ArtifactUpdatedV1 = ArtifactRefSchema.extend({
  url: z.string().min(1),
  version: z.string().min(1),
  actor: ActorSchema,
});
export type ArtifactUpdatedV1 = z.infer<typeof ArtifactUpdatedV1>;

export const ArtifactUpdatedEvent = defineEvent({
  name: 'ArtifactUpdated',
  topic: 'registry.artifact-updated.v1',
  schema: ArtifactUpdatedV1,
  summary: 'a new version of an artifact was registered',
  producers: ['gateway'],
  consumers: ['audit'],
});
