import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema, ManifestEntrySchema } from '../../common';
import { PackageMetadataSchema } from '../package-metadata';

/**
 * A package version uploaded directly to the gateway is stored in the blob store (the gateway already recorded the
 * version as stored, scan pending, in the same transaction). Producer: gateway. Consumers: scan, scoring, lineage. The twin of
 * ingest.package-stored.v1 for uploads: a reader of stored packages subscribes to both.
 */
export const PackageUploadedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  /** The artifact's download URL on this registry. */
  url: z.string().min(1),
  files: z.array(ManifestEntrySchema).max(100_000),
  totalBytes: z.number().int().nonnegative(),
  metadata: PackageMetadataSchema.default({}),
});
export type PackageUploadedV1 = z.infer<typeof PackageUploadedV1>;

export const PackageUploadedEvent = defineEvent({
  name: 'PackageUploaded',
  topic: 'registry.package-uploaded.v1',
  schema: PackageUploadedV1,
  summary: 'an uploaded package version is stored (superseded by v2: no longer produced, still consumed)',
  // Superseded like ingest.package-stored.v1 (inline manifest); its consumers drain what was published before.
  supersededBy: 'registry.package-uploaded.v2',
  producers: [],
  consumers: ['scan', 'scoring', 'lineage'],
});
