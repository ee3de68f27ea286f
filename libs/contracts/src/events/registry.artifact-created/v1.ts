import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** An artifact was registered (created) in the registry. Producer: gateway. Consumer: audit (CREATE entry). */
export const ArtifactCreatedV1 = ArtifactRefSchema.extend({
  url: z.string().min(1),
  version: z.string().min(1),
  actor: ActorSchema,
});
export type ArtifactCreatedV1 = z.infer<typeof ArtifactCreatedV1>;

export const ArtifactCreatedEvent = defineEvent({
  name: 'ArtifactCreated',
  topic: 'registry.artifact-created.v1',
  schema: ArtifactCreatedV1,
  summary: 'an artifact was registered',
  producers: ['gateway'],
  consumers: ['audit'],
});
