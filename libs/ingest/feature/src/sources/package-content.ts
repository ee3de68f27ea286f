import type { ManifestEntry, PackageMetadata, PackageStoredV1 } from '@modelguard/contracts';
import type { ZipLimits } from '@modelguard/packages';
import type { BlobStore } from '@modelguard/storage';
import type { SafeFetcher } from '@modelguard/egress';

/** What a source ingester produces; the handler adds the artifact reference and publishes PackageStored. */
export interface PackageContent {
  source: Exclude<PackageStoredV1['source'], 'upload'>;
  files: ManifestEntry[];
  totalBytes: number;
  metadata: PackageMetadata;
}

export interface IngestLimits {
  /** Cap on the bytes downloaded for one package (AppConfig.upstream.maxPackageBytes). */
  maxPackageBytes: number;
  /** Cap on the number of files in one package (reuses AppConfig.limits.maxZipEntries). */
  maxFiles: number;
  zip: ZipLimits;
  /** README text kept in metadata (the gateway searches it with regexes). */
  readmeBytes: number;
}

/** Everything an ingester needs; built once by the module from AppConfig and the platform BlobStore. */
export interface IngestDeps {
  fetcher: SafeFetcher;
  blobs: BlobStore;
  hfEndpoint: string;
  githubApiUrl: string;
  /** GITHUB_TOKEN, sent on GitHub API calls (5,000 calls an hour instead of 60); never to other hosts. */
  githubToken?: string;
  limits: IngestLimits;
  /** Directory for temporary downloads (zipballs); created if missing. */
  tmpDir: string;
}

export const DEFAULT_README_BYTES = 256 * 1024;
