import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema } from '../../common';
import { BlobClaimSchema, ManifestClaimSchema } from '../claim-check';
import { PackageMetadataSchema } from '../package-metadata';

/**
 * A package version fetched from upstream is stored in the blob store, every file content-addressed.
 * Producer: ingest. Consumers: gateway (version state, README for search), scan, scoring, lineage.
 *
 * v2 (claim checks): v1 carried the whole manifest (up to 100,000 entries) and the README inline, so a large package
 * made a message over Kafka's default 1 MB limit that the outbox relay could never publish. v2 always carries the
 * manifest, and the README when there is one, as blob claims (`claim-check.ts`); every consumer resolves them with
 * `packageContentOf` (@modelguard/storage). Always, not above a size threshold: one shape, one code path that every
 * package exercises, and the extra blob read is small next to what each consumer does with the package.
 * `metadata.readme` is never set in v2 (the README is the `readme` claim). Uploads have their own event
 * (registry.package-uploaded.v2): a reader of stored packages subscribes to both.
 */
export const PackageStoredV2 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  source: z.enum(['huggingface', 'github', 'metadata-only']),
  url: z.string().min(1),
  /** The file manifest (JSON array of ManifestEntry) in the blob store. */
  manifest: ManifestClaimSchema,
  totalBytes: z.number().int().nonnegative(),
  /** Upstream facts scoring and lineage read (license, base models, datasets, config, card, …), without the README. */
  metadata: PackageMetadataSchema.default({}),
  /** The README text (UTF-8) in the blob store; absent when the package has none. */
  readme: BlobClaimSchema.optional(),
});
export type PackageStoredV2 = z.infer<typeof PackageStoredV2>;

export const PackageStoredV2Event = defineEvent({
  name: 'PackageStoredV2',
  topic: 'ingest.package-stored.v2',
  schema: PackageStoredV2,
  summary: 'an upstream package version is stored (manifest and README as blob claims)',
  producers: ['ingest'],
  consumers: ['gateway', 'scan', 'scoring', 'lineage'],
});
