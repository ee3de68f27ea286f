import { join } from 'node:path';
import type { AppConfig } from '@modelguard/config';
import type { BlobStore } from '@modelguard/storage';
import { EgressPolicy } from './egress/egress-policy';
import type { Resolver } from './egress/guarded-lookup';
import { SafeFetcher } from './egress/safe-fetcher';
import { DEFAULT_README_BYTES, type IngestDeps } from './sources/package-content';

/** Builds the ingest dependencies from AppConfig: one egress policy and fetcher for the whole service. */
export function buildIngestDeps(config: AppConfig, blobs: BlobStore, opts: { resolver?: Resolver; tmpDir?: string } = {}): IngestDeps {
  const { upstream, limits } = config;
  const policy = new EgressPolicy(upstream);
  return {
    fetcher: new SafeFetcher(policy, { maxBytes: upstream.maxPackageBytes, timeoutMs: upstream.requestTimeoutMs, resolver: opts.resolver }),
    blobs,
    hfEndpoint: upstream.hfEndpoint,
    githubApiUrl: upstream.githubApiUrl,
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
