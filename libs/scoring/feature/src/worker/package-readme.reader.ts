import { type ManifestEntry, PACKAGE_README_MAX_CHARS, type PackageMetadata } from '@modelguard/contracts';
import type { BlobStore } from '@modelguard/storage';

/** Bytes read of a README: enough for PACKAGE_README_MAX_CHARS characters of ASCII, the common case. */
const README_MAX_BYTES = PACKAGE_README_MAX_CHARS;

/** The package's own README: `README.md` (any case), the shallowest one when there are several. */
export function readmeEntryOf(files: readonly ManifestEntry[]): ManifestEntry | undefined {
  const depth = (path: string) => path.split('/').length;
  return files
    .filter((f) => /(^|\/)readme\.md$/i.test(f.path))
    .sort((a, b) => depth(a.path) - depth(b.path) || a.path.length - b.path.length)[0];
}

/**
 * Fills in the README of a package whose event carried none (uploads: the gateway stores the files but extracts
 * no card), read from the blob store and bounded like ingest's, so an uploaded model is rated on its own card just
 * as a fetched one is. Metadata that already has a README is returned as it is; a README that cannot be read
 * leaves the metadata without one (the card metrics then use their fallbacks) rather than failing the rating.
 */
export class PackageReadmeReader {
  constructor(private readonly blobs: BlobStore) {}

  async withReadme(files: readonly ManifestEntry[], metadata: PackageMetadata): Promise<PackageMetadata> {
    if (typeof metadata.readme === 'string') return metadata;
    const entry = readmeEntryOf(files);
    if (entry === undefined || entry.size === 0) return metadata;
    const bytes = Math.min(entry.size, README_MAX_BYTES);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await this.blobs.get(entry.sha256, { start: 0, end: bytes - 1 })) chunks.push(Buffer.from(chunk as Uint8Array));
    } catch {
      return metadata;
    }
    const text = Buffer.concat(chunks).subarray(0, bytes).toString('utf8');
    const truncated = entry.size > bytes || text.length > PACKAGE_README_MAX_CHARS;
    return { ...metadata, readme: text.slice(0, PACKAGE_README_MAX_CHARS), ...(truncated ? { readmeTruncated: true } : {}) };
  }
}
