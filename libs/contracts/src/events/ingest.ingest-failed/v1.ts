import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema } from '../../common';

/** Ingestion failed for good (after retries). Producer: ingest. Consumer: gateway (version state). */
export const IngestFailedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  reason: z.string().min(1),
  retriable: z.boolean(),
});
export type IngestFailedV1 = z.infer<typeof IngestFailedV1>;

export const IngestFailedEvent = defineEvent({
  name: 'IngestFailed',
  topic: 'ingest.ingest-failed.v1',
  schema: IngestFailedV1,
  summary: 'an upstream package could not be ingested',
  producers: ['ingest'],
  consumers: ['gateway'],
});
