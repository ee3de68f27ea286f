import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { rangeRequestHeader } from '@modelguard/packages';

export interface CopyLimits {
  /** Largest object copied with one CopyObject call (S3's own limit is 5 GiB). */
  singleCopyMaxBytes: number;
  /** Part size for UploadPartCopy above that (S3: 5 MiB .. 5 GiB, at most 10 000 parts). */
  copyPartSizeBytes: number;
}

/** Server-side encryption parameters: a copy does not inherit the source's, so every write repeats them. */
export interface SseParams {
  ServerSideEncryption?: 'AES256' | 'aws:kms';
  SSEKMSKeyId?: string;
}

export const DEFAULT_COPY_LIMITS: CopyLimits = { singleCopyMaxBytes: 5 * 1024 ** 3, copyPartSizeBytes: 512 * 1024 ** 2 };

/**
 * Server-side copy within one bucket. S3 has no rename, and a single CopyObject stops at 5 GiB while
 * model packages may be larger, so big objects are copied part by part with UploadPartCopy. No bytes
 * pass through this process either way.
 */
export async function copyObject(client: S3Client, bucket: string, from: string, to: string, size: number, limits: CopyLimits, sse: SseParams = {}): Promise<void> {
  const source = `${bucket}/${from}`;
  if (size <= limits.singleCopyMaxBytes) {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: source, ...sse }));
    return;
  }
  const partSize = Math.max(limits.copyPartSizeBytes, Math.ceil(size / 10_000));
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, ...sse }));
  if (!UploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
  try {
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (let start = 0, partNumber = 1; start < size; start += partSize, partNumber += 1) {
      const end = Math.min(start + partSize, size) - 1;
      const out = await client.send(
        new UploadPartCopyCommand({ Bucket: bucket, Key: to, UploadId, PartNumber: partNumber, CopySource: source, CopySourceRange: rangeRequestHeader({ start, end }) }),
      );
      const etag = out.CopyPartResult?.ETag;
      if (!etag) throw new Error(`S3 UploadPartCopy returned no ETag for part ${partNumber}`);
      parts.push({ ETag: etag, PartNumber: partNumber });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId })).catch(() => undefined);
    throw err;
  }
}

/**
 * Refreshes an object's LastModified without changing its bytes: the object is copied to `scratchKey` and back, two
 * server-side copies. Uploading the content again would not do: with encryption on, a new upload is sealed under a
 * new data key, and a reader between its header and chunk reads would see the object change under it. (A copy onto
 * itself with new metadata is legal on S3, but S3Mock keeps the old LastModified for it.)
 */
export async function touchObject(client: S3Client, bucket: string, key: string, scratchKey: string, size: number, limits: CopyLimits, sse: SseParams = {}): Promise<void> {
  await copyObject(client, bucket, key, scratchKey, size, limits, sse);
  await copyObject(client, bucket, scratchKey, key, size, limits, sse);
}
