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

export const DEFAULT_COPY_LIMITS: CopyLimits = { singleCopyMaxBytes: 5 * 1024 ** 3, copyPartSizeBytes: 512 * 1024 ** 2 };

/**
 * Server-side copy within one bucket. S3 has no rename, and a single CopyObject stops at 5 GiB while
 * model packages may be larger, so big objects are copied part by part with UploadPartCopy. No bytes
 * pass through this process either way.
 */
export async function copyObject(client: S3Client, bucket: string, from: string, to: string, size: number, limits: CopyLimits): Promise<void> {
  const source = `${bucket}/${from}`;
  if (size <= limits.singleCopyMaxBytes) {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: source }));
    return;
  }
  const partSize = Math.max(limits.copyPartSizeBytes, Math.ceil(size / 10_000));
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to }));
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
