import { z } from 'zod';
import { ActorSchema, ArtifactRefSchema, ManifestEntrySchema } from '../common';

/** The gateway asks the ingest service to fetch an upstream artifact. Producer: gateway; consumer: ingest. */
export const IngestRequestedV1 = ArtifactRefSchema.extend({
  url: z.string().url(),
  version: z.string().min(1),
  actor: ActorSchema,
});
export type IngestRequestedV1 = z.infer<typeof IngestRequestedV1>;

/**
 * A package version is stored in the blob store, every file content-addressed.
 * Producer: ingest (fetched upstream) or gateway (direct upload). Consumers: gateway (state), scan, scoring, lineage.
 */
export const PackageStoredV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  source: z.enum(['huggingface', 'github', 'upload', 'metadata-only']),
  url: z.string().min(1),
  files: z.array(ManifestEntrySchema).max(100_000),
  totalBytes: z.number().int().nonnegative(),
  /** Upstream metadata useful to scoring and lineage (config.json, card front matter, …); free-form. */
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type PackageStoredV1 = z.infer<typeof PackageStoredV1>;

/** Ingestion failed for good (after retries). Producer: ingest; consumer: gateway. */
export const IngestFailedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  reason: z.string().min(1),
  retriable: z.boolean(),
});
export type IngestFailedV1 = z.infer<typeof IngestFailedV1>;
