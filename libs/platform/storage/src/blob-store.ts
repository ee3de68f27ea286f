import type { Readable } from 'node:stream';
import type { ComponentHealth } from '@modelguard/observability';
import type { ByteRange } from '@modelguard/packages';

export interface PutBlobOptions {
  /** When given, the upload is rejected (BlobIntegrityError) and nothing is kept unless it matches. */
  expectedSha256?: string;
  /** Expected size, used to pick an upload strategy; never trusted for correctness. */
  sizeHint?: number;
  /** Hard limit: the stream fails with BlobTooLargeError as soon as more bytes arrive. */
  maxBytes?: number;
}

export interface PutBlobResult {
  sha256: string;
  size: number;
  /** False when identical content was already stored (deduplicated). */
  created: boolean;
}

/**
 * Content-addressed blob storage (model packages, extracted files). Also the Nest DI token:
 * `constructor(private readonly blobs: BlobStore)`. Blobs are immutable and named by SHA-256; data
 * always streams, never sits whole in memory. Input errors are BlobStoreError subclasses with a
 * `status` for the HTTP layer.
 */
export abstract class BlobStore {
  /** Streams `body` in, hashing on the fly; commits under its SHA-256 or drops it if it exists. */
  abstract put(body: Readable, opts?: PutBlobOptions): Promise<PutBlobResult>;
  /** Streams a blob (or an inclusive byte range of it). BlobNotFoundError / InvalidRangeError. */
  abstract get(sha256: string, range?: ByteRange): Promise<Readable>;
  abstract stat(sha256: string): Promise<{ size: number } | null>;
  /** Idempotent: deleting a missing blob is not an error. */
  abstract delete(sha256: string): Promise<void>;
  abstract healthCheck(): Promise<ComponentHealth>;
  /**
   * Removes temporary uploads older than `olderThanMs` (left behind when a process died mid-upload).
   * Returns how many were removed. StorageModule runs it at start-up.
   */
  abstract sweepTemp(olderThanMs: number): Promise<number>;
}
