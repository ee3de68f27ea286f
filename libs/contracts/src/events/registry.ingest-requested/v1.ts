import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** The gateway asks the ingest service to fetch an upstream artifact. Producer: gateway. Consumer: ingest. */
export const IngestRequestedV1 = ArtifactRefSchema.extend({
  url: z.string().url(),
  version: z.string().min(1),
  actor: ActorSchema,
});
export type IngestRequestedV1 = z.infer<typeof IngestRequestedV1>;

export const IngestRequestedEvent = defineEvent({
  name: 'IngestRequested',
  topic: 'registry.ingest-requested.v1',
  schema: IngestRequestedV1,
  summary: 'fetch this upstream URL as a new version',
  producers: ['gateway'],
  consumers: ['ingest'],
});
