import { PackageContent } from './package-content';

/**
 * Artifacts hosted where we cannot (or may not) mirror content: Kaggle, GitHub dataset pages, spaces…
 * They are still registered, with the URL as their only fact, because refusing them would break create.
 */
export function metadataOnly(url: string, host: string, reason: string): PackageContent {
  return { source: 'metadata-only', files: [], totalBytes: 0, metadata: { upstream: { host, url: url.slice(0, 2048) }, note: reason.slice(0, 500) } };
}
