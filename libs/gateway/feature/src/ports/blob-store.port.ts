import type { Readable, Transform } from 'node:stream';
import type { ByteRange } from '@modelguard/packages';

/**
 * Content-addressed blob storage, shaped like @modelguard/storage's BlobStore so the platform store can be bound
 * directly. Everything is streamed: model files can be many gigabytes.
 */
export interface GatewayBlobStore {
  put(body: Readable): Promise<{ sha256: string; size: number; created: boolean }>;
  get(sha256: string, range?: ByteRange): Promise<Readable>;
  /**
   * A whole blob served as the bytes named `sha256`: streamed through `check()` (DigestCheck), unless the store
   * already verified the very copy it opened (fs store: verified stat; S3, PostgreSQL and sealed blobs always check).
   */
  getVerified(sha256: string, check: () => Transform): Promise<{ body: Readable; fromVerifiedStat: boolean }>;
  stat(sha256: string): Promise<{ size: number } | null>;
  /** Every stored blob in bounded pages, streamed (the janitor walks the whole store). */
  list(pageSize?: number): AsyncIterable<{ sha256: string; size: number; modifiedAt: Date }[]>;
  /** Batched, idempotent delete (the janitor's collection). */
  deleteMany(sha256s: readonly string[]): Promise<void>;
}

export const GATEWAY_BLOB_STORE = Symbol('GATEWAY_BLOB_STORE');
