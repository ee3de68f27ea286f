import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** A package (or a part of it) was downloaded. Producer: gateway. Consumer: audit (DOWNLOAD entry). */
export const ArtifactDownloadedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  part: z.string().min(1),
  actor: ActorSchema,
});
export type ArtifactDownloadedV1 = z.infer<typeof ArtifactDownloadedV1>;

export const ArtifactDownloadedEvent = defineEvent({
  name: 'ArtifactDownloaded',
  topic: 'registry.artifact-downloaded.v1',
  schema: ArtifactDownloadedV1,
  summary: 'a package or part of it was downloaded',
  producers: ['gateway'],
  consumers: ['audit'],
});
