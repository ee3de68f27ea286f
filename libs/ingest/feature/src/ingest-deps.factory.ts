import { join } from 'node:path';
import type { AppConfig } from '@modelguard/config';
import type { BlobStore } from '@modelguard/storage';
import { createSafeFetcher, type Resolver } from '@modelguard/egress';
import { DEFAULT_README_BYTES, type IngestDeps } from './sources/package-content';

const INGEST_USER_AGENT = 'ModelGuard-Ingest/1.0';

/** Builds the ingest dependencies from AppConfig: one egress policy and fetcher for the whole service. */
export function buildIngestDeps(config: AppConfig, blobs: BlobStore, opts: { resolver?: Resolver; tmpDir?: string } = {}): IngestDeps {
  const { upstream, limits } = config;
  return {
    fetcher: createSafeFetcher(upstream, { resolver: opts.resolver, userAgent: INGEST_USER_AGENT }),
    blobs,
    hfEndpoint: upstream.hfEndpoint,
    githubApiUrl: upstream.githubApiUrl,
    githubToken: upstream.githubToken,
    tmpDir: opts.tmpDir ?? join(config.dataDir, 'ingest-tmp'),
    limits: {
      maxPackageBytes: upstream.maxPackageBytes,
      // The PackageStored contract caps a manifest at 100k entries.
      maxFiles: Math.min(limits.maxZipEntries, 100_000),
      zip: { maxZipEntries: limits.maxZipEntries, maxZipRatio: limits.maxZipRatio, maxUnpackedBytes: Math.min(limits.maxUnpackedBytes, upstream.maxPackageBytes * limits.maxZipRatio) },
      readmeBytes: DEFAULT_README_BYTES,
    },
  };
}
