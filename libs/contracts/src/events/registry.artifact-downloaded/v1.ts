import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/**
 * A package (or a part of it) was downloaded. Producer: gateway. Consumers: audit (DOWNLOAD entry), gateway
 * (download counters and traffic record of the package-confusion audit). `clientAddress` (added, optional): the
 * address the request came from, absent in events produced before it was carried.
 */
export const ArtifactDownloadedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  part: z.string().min(1),
  actor: ActorSchema,
  clientAddress: z.string().min(1).max(128).optional(),
});
export type ArtifactDownloadedV1 = z.infer<typeof ArtifactDownloadedV1>;

export const ArtifactDownloadedEvent = defineEvent({
  name: 'ArtifactDownloaded',
  topic: 'registry.artifact-downloaded.v1',
  schema: ArtifactDownloadedV1,
  summary: 'a package or part of it was downloaded',
  producers: ['gateway'],
  consumers: ['audit', 'gateway'],
});
