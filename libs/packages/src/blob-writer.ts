import { Readable } from 'node:stream';
import type { ByteRange } from './range';

/**
 * The slice of the platform BlobStore this library needs. Declared structurally so @modelguard/packages
 * stays a leaf library (no Nest, no storage driver) and any BlobStore implementation satisfies it.
 */
export interface BlobWriter {
  put(body: Readable, opts?: { expectedSha256?: string; sizeHint?: number }): Promise<{ sha256: string; size: number; created: boolean }>;
}

/** Opens a stored blob by digest; the zip writer pulls entries through this lazily, one at a time. */
export type OpenBlob = (sha256: string) => Promise<Readable>;

/** Ranged reads of stored blobs (`range` inclusive, as BlobStore.get takes it). */
export interface BlobRangeReader {
  get(sha256: string, range?: ByteRange): Promise<Readable>;
}
