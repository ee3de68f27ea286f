import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3StorageConfig } from '@modelguard/config';
import type { ComponentHealth } from '@modelguard/observability';
import { type ByteRange, rangeRequestHeader } from '@modelguard/packages';
import { BlobIntegrityError, BlobNotFoundError, InvalidRangeError } from './blob-errors';
import { assertSha256, blobKey, isSha256, resolveRange } from './blob-id';
import { BlobStore, type PutBlobOptions, type PutBlobResult, type StoredBlob } from './blob-store';
import { HashingStream } from './hashing-stream';
import { copyObject, type CopyLimits, DEFAULT_COPY_LIMITS, type SseParams, touchObject } from './s3-multipart-copy';
import { isBucketAlreadyMine, isInvalidRange, isNotFound } from './s3-errors';

export interface S3BlobStoreOptions extends Omit<S3StorageConfig, 'driver'> {
  /** Parts uploaded in parallel; memory held is about (queueSize + 1) x part size. Default 2. */
  queueSize?: number;
  copyLimits?: CopyLimits;
}

const TMP_PREFIX = 'tmp/';
const BLOB_PREFIX = 'sha256/';
/** The most keys one DeleteObjects request takes. */
const DELETE_BATCH = 1000;

/**
 * Blobs in an S3 bucket. An upload streams through a hasher into a temporary key (multipart for
 * large bodies, with bounded part buffers), then is copied server-side to `sha256/aa/bb/<hash>` once
 * the hash is known. The temporary key is always removed, whatever happens.
 */
export class S3BlobStore extends BlobStore {
  readonly client: S3Client;
  readonly bucket: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly copyLimits: CopyLimits;
  /** Sent with every write (upload, copy into place, header rewrite on key rotation). */
  readonly sse: SseParams;

  constructor(opts: S3BlobStoreOptions) {
    super();
    this.bucket = opts.bucket;
    this.partSize = opts.multipartPartSizeBytes;
    this.queueSize = opts.queueSize ?? 2;
    this.copyLimits = opts.copyLimits ?? DEFAULT_COPY_LIMITS;
    this.sse = {
      ...(opts.serverSideEncryption ? { ServerSideEncryption: opts.serverSideEncryption } : {}),
      ...(opts.sseKmsKeyId ? { SSEKMSKeyId: opts.sseKmsKeyId } : {}),
    };
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      maxAttempts: 3,
      // With the SDK default (WHEN_SUPPORTED) lib-storage opens multipart uploads with a CRC32 checksum
      // algorithm but completes them without per-part checksums, which S3Mock (and S3 itself for
      // some algorithms) rejects. Integrity does not depend on it: every blob is named by the SHA-256
      // we compute while streaming, and readers can re-verify it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      // S3-compatible servers (S3Mock 5.2) return the whole object's checksum on a ranged GET, which the SDK's
      // default validation rejects; our own SHA-256 naming is the integrity check that matters.
      responseChecksumValidation: 'WHEN_REQUIRED',
      // requestTimeout is per-socket inactivity, so long streams are fine; a dead server is not.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
  }

  /** Creates the bucket when missing (called by StorageModule at start-up). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!isBucketAlreadyMine(err)) throw err;
    }
  }

  async put(body: Readable, opts: PutBlobOptions = {}): Promise<PutBlobResult> {
    const expected = opts.expectedSha256 === undefined ? undefined : assertSha256(opts.expectedSha256);
    const tmpKey = `${TMP_PREFIX}${randomUUID()}`;
    const hasher = new HashingStream(opts.maxBytes);
    const encoder = opts.encode?.();
    const stored = encoder ?? hasher;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tmpKey, Body: stored, ...this.sse },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      // The pipeline feeds the hasher and the upload drains it; each side must unblock the other on
      // failure, or the survivor would wait forever (a stalled source, or an unconsumed hasher).
      const feeding = (encoder ? pipeline(body, hasher, encoder) : pipeline(body, hasher)).catch((err: unknown) => {
        void upload.abort().catch(() => undefined);
        throw err;
      });
      const uploading = upload.done().catch((err: unknown) => {
        stored.destroy(err instanceof Error ? err : new Error(String(err)));
        throw err;
      });
      const [fed, uploaded] = await Promise.allSettled([feeding, uploading]);
      if (fed.status === 'rejected') throw fed.reason;
      if (uploaded.status === 'rejected') throw uploaded.reason;

      const sha256 = hasher.sha256;
      const size = hasher.byteCount;
      if (expected !== undefined && expected !== sha256) throw new BlobIntegrityError(expected, sha256);
      const existing = await this.stat(sha256);
      if (existing !== null) {
        // A deduplicated put refreshes LastModified, so the janitor's grace period (which goes by LastModified)
        // restarts for a blob that just became live again; the stored bytes stay as they are.
        await touchObject(this.client, this.bucket, blobKey(sha256), tmpKey, existing.size, this.copyLimits, this.sse);
        return { sha256, size, created: false };
      }
      await copyObject(this.client, this.bucket, tmpKey, blobKey(sha256), encoder ? encoder.outputBytes : size, this.copyLimits, this.sse);
      return { sha256, size, created: true };
    } finally {
      await upload.abort().catch(() => undefined);
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tmpKey })).catch(() => undefined);
    }
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable> {
    const key = blobKey(sha256);
    let rangeHeader: string | undefined;
    if (range) {
      // Validate shape before asking S3 (which would silently ignore a malformed Range header and
      // return the whole object).
      const r = resolveRange(range, Number.MAX_SAFE_INTEGER);
      rangeHeader = rangeRequestHeader(r);
    }
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: rangeHeader }));
      if (!(out.Body instanceof Readable)) throw new Error('S3 GetObject returned no readable body');
      return out.Body;
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(sha256);
      if (isInvalidRange(err)) throw new InvalidRangeError(`Range start ${range?.start} is beyond the size of blob ${sha256}`);
      throw err;
    }
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: blobKey(sha256) }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: blobKey(sha256) }));
  }

  async sweepTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: TMP_PREFIX, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key && o.LastModified && o.LastModified.getTime() < cutoff) {
          await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: o.Key }));
          removed += 1;
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // Unfinished multipart uploads hold storage invisibly until aborted.
    const uploads = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: TMP_PREFIX }));
    for (const u of uploads.Uploads ?? []) {
      if (u.Key && u.UploadId && u.Initiated && u.Initiated.getTime() < cutoff) {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
        removed += 1;
      }
    }
    return removed;
  }

  async *list(pageSize = 1000): AsyncIterable<StoredBlob[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: BLOB_PREFIX, MaxKeys: Math.min(pageSize, 1000), ContinuationToken: token }),
      );
      const blobs: StoredBlob[] = [];
      for (const o of page.Contents ?? []) {
        const sha256 = o.Key?.slice(o.Key.lastIndexOf('/') + 1);
        // Anything else under the prefix (a stray key written by hand) is not ours to list or delete.
        if (!isSha256(sha256) || blobKey(sha256) !== o.Key || !o.LastModified) continue;
        blobs.push({ sha256, size: o.Size ?? 0, modifiedAt: o.LastModified });
      }
      if (blobs.length > 0) yield blobs;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async deleteMany(sha256s: readonly string[]): Promise<void> {
    const keys = sha256s.map((sha256) => blobKey(sha256));
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key }));
      const out = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }));
      const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) throw new Error(`S3 DeleteObjects failed for ${failed.length} key(s), first: ${failed[0]?.Key} (${failed[0]?.Code})`);
    }
  }

  async healthCheck(): Promise<ComponentHealth> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    return { status: 'ok', metrics: { driver: 's3', bucket: this.bucket } };
  }

  destroy(): void {
    this.client.destroy();
  }
}
