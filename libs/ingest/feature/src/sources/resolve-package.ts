import type { ArtifactType } from '@modelguard/contracts';
import { ingestGitHub } from './github-ingester';
import { ingestHuggingFace } from './hf-ingester';
import { metadataOnly } from './metadata-only';
import { IngestDeps, PackageContent } from './package-content';
import { parseUpstreamUrl } from './upstream-url';

/**
 * Routes an ingest request to the right source. Throws InvalidUpstreamUrlError (permanent), UpstreamError
 * (retriable or not) or PackageError (permanent); the ingest worker turns those into retries or IngestFailed.
 */
export async function resolvePackage(deps: IngestDeps, url: string, artifactType: ArtifactType): Promise<PackageContent> {
  const target = parseUpstreamUrl(url);
  switch (target.kind) {
    case 'hf-model':
      return ingestHuggingFace(deps, 'model', target.repo);
    case 'hf-dataset':
      return ingestHuggingFace(deps, 'dataset', target.repo);
    case 'github':
      // A GitHub page registered as a dataset or model (e.g. zalandoresearch/fashion-mnist) is a pointer, not code
      // to mirror: such repos often carry the data itself and can be huge.
      if (artifactType !== 'code') return metadataOnly(url, 'github.com', `GitHub repository registered as a ${artifactType}: not mirrored`);
      return ingestGitHub(deps, target);
    case 'other':
      return metadataOnly(url, target.host, 'host is not a supported upstream: registered without content');
  }
}
