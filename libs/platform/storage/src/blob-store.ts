import { pipeline, type Readable, type Transform } from 'node:stream';
import type { ComponentHealth } from '@modelguard/observability';
import type { ByteRange } from '@modelguard/packages';

export interface PutBlobOptions {
  /** When given, the upload is rejected (BlobIntegrityError) and nothing is kept unless it matches. */
  expectedSha256?: string;
  /** Expected size, used to pick an upload strategy; never trusted for correctness. */
  sizeHint?: number;
  /** Hard limit: the stream fails with BlobTooLargeError as soon as more bytes arrive. */
  maxBytes?: number;
  /**
   * Internal hook for the encrypting decorator: the stored bytes are `encode()`'s output, while the
   * blob is still named and sized by the plaintext (hashed before encoding).
   */
  encode?: () => BlobEncoder;
}

/** A transform whose total output length is known once it has ended (the stored size). */
export type BlobEncoder = Transform & { readonly outputBytes: number };

export interface PutBlobResult {
  sha256: string;
  size: number;
  /** False when identical content was already stored (deduplicated). */
  created: boolean;
}

/** A whole blob opened by BlobStore.getVerified(). */
export interface VerifiedBlob {
  body: Readable;
  /**
   * True when the store streamed the bytes without the caller's check because it had itself verified this very
   * stored copy before (fs: an unchanged file identity, see verified-stats.ts); false when they go through the check.
   */
  fromVerifiedStat: boolean;
}

/** One stored blob as listed by BlobStore.list(). */
export interface StoredBlob {
  sha256: string;
  size: number;
  /** When the blob was last written (file mtime, S3 LastModified); a deduplicated put refreshes it. */
  modifiedAt: Date;
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
  /**
   * Streams a whole blob that is served as the bytes named `sha256`: through `check()` (a transform that fails,
   * before passing on the last chunk, unless the bytes hash to `sha256`: DigestCheck), unless the store already
   * knows that the stored copy it opened does. Only FsBlobStore knows that (it remembers files it saw pass a check);
   * S3, PostgreSQL and encrypted stores always check (an object store gives no inode and ctime to trust, and a
   * sealed blob is authenticated per chunk while it is decrypted anyway).
   */
  async getVerified(sha256: string, check: () => Transform): Promise<VerifiedBlob> {
    // pipeline, not pipe: destroying the result (client gone) also ends the store's read, and errors travel on.
    return { body: pipeline(await this.get(sha256), check(), () => undefined), fromVerifiedStat: false };
  }
  abstract stat(sha256: string): Promise<{ size: number } | null>;
  /** Idempotent: deleting a missing blob is not an error. */
  abstract delete(sha256: string): Promise<void>;
  abstract healthCheck(): Promise<ComponentHealth>;
  /**
   * Removes temporary uploads older than `olderThanMs` (left behind when a process died mid-upload).
   * Returns how many were removed. StorageModule runs it at start-up.
   */
  abstract sweepTemp(olderThanMs: number): Promise<number>;
  /**
   * Every stored blob (not temporary uploads), in pages of at most `pageSize`, in no particular order. Streams:
   * the store is walked lazily, so memory stays bounded however many blobs there are (the janitor's input).
   */
  abstract list(pageSize?: number): AsyncIterable<StoredBlob[]>;
  /** Deletes many blobs, batched (S3 DeleteObjects takes 1000 keys). Idempotent like delete(). */
  abstract deleteMany(sha256s: readonly string[]): Promise<void>;
}
