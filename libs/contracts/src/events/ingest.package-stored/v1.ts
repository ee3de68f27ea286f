import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema, ManifestEntrySchema } from '../../common';
import { PackageMetadataSchema } from '../package-metadata';

/**
 * A package version fetched from upstream is stored in the blob store, every file content-addressed.
 * Producer: ingest. Consumers: gateway (version state, README for search), scan, scoring (rates models), lineage
 * (reads the parents the metadata names and the package size). Uploads have their own event
 * (registry.package-uploaded.v1): a reader of stored packages subscribes to both.
 */
export const PackageStoredV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  /** `upload` is no longer produced (uploads publish PackageUploaded); kept so stored v1 payloads still parse. */
  source: z.enum(['huggingface', 'github', 'upload', 'metadata-only']),
  url: z.string().min(1),
  files: z.array(ManifestEntrySchema).max(100_000),
  totalBytes: z.number().int().nonnegative(),
  /** Upstream facts scoring and lineage read (license, base models, datasets, config, card, …). */
  metadata: PackageMetadataSchema.default({}),
});
export type PackageStoredV1 = z.infer<typeof PackageStoredV1>;

export const PackageStoredEvent = defineEvent({
  name: 'PackageStored',
  topic: 'ingest.package-stored.v1',
  schema: PackageStoredV1,
  summary: 'an upstream package version is stored (superseded by v2: no longer produced, still consumed)',
  // Superseded: carries the manifest and README inline, which can exceed Kafka's 1 MB message limit. Consumers
  // keep a v1 handler so messages published before the upgrade (topic retention, unrelayed outbox rows) still land.
  supersededBy: 'ingest.package-stored.v2',
  producers: [],
  consumers: ['gateway', 'scan', 'scoring', 'lineage'],
});
