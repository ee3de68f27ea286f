import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema } from '../../common';
import { BlobClaimSchema, ManifestClaimSchema } from '../claim-check';
import { PackageMetadataSchema } from '../package-metadata';

/**
 * A package version uploaded directly to the gateway is stored in the blob store (the gateway already recorded the
 * version as stored, scan pending, in the same transaction). Producer: gateway. Consumers: scan, scoring, lineage.
 * The twin of ingest.package-stored.v2 (same claim-check shape, see there): the manifest always travels as a blob
 * claim, so an upload of many files never makes a message over Kafka's 1 MB limit.
 */
export const PackageUploadedV2 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  /** The artifact's download URL on this registry. */
  url: z.string().min(1),
  manifest: ManifestClaimSchema,
  totalBytes: z.number().int().nonnegative(),
  metadata: PackageMetadataSchema.default({}),
  readme: BlobClaimSchema.optional(),
});
export type PackageUploadedV2 = z.infer<typeof PackageUploadedV2>;

export const PackageUploadedV2Event = defineEvent({
  name: 'PackageUploadedV2',
  topic: 'registry.package-uploaded.v2',
  schema: PackageUploadedV2,
  summary: 'an uploaded package version is stored (manifest as a blob claim)',
  producers: ['gateway'],
  consumers: ['scan', 'scoring', 'lineage'],
});
