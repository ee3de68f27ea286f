import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { rangeRequestHeader } from '@modelguard/packages';
import { blobKey } from '../blob-id';
import type { S3BlobStore } from '../s3-blob-store';
import { HEADER_SIZE } from './chunk-format';
import type { HeaderWriter } from './rewrap';

const MIN_PART = 5 * 1024 * 1024;
const COPY_PART = 512 * 1024 * 1024;

/**
 * S3 objects cannot be modified in place, so a new header means a new object under the same key. Cost: for
 * objects up to 2 x 5 MiB the object passes through this process once; above that only the first 5 MiB part
 * does (new header + the following bytes, since a part other than the last must be at least 5 MiB) and the
 * rest is copied server-side with UploadPartCopy from the object itself. Readers see either the old or the
 * new object; both open the same data key, and the chunks are byte-identical.
 */
export function s3HeaderWriter(store: S3BlobStore): HeaderWriter {
  const { client, bucket } = store;
  return async (sha256, header) => {
    if (header.length !== HEADER_SIZE) throw new Error(`header must be ${HEADER_SIZE} bytes`);
    const key = blobKey(sha256);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const size = head.ContentLength ?? 0;
    const read = async (start: number, end: number): Promise<Buffer> => {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: rangeRequestHeader({ start, end }), IfMatch: head.ETag }));
      const parts: Buffer[] = [];
      for await (const c of out.Body as Readable) parts.push(c as Buffer);
      return Buffer.concat(parts);
    };
    if (size <= 2 * MIN_PART) {
      const body = Buffer.concat([header, await read(HEADER_SIZE, size - 1)]);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...store.sse }));
      return;
    }
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...store.sse }));
    if (!UploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
    try {
      const first = Buffer.concat([header, await read(HEADER_SIZE, MIN_PART - 1)]);
      const p1 = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: first }));
      const parts = [{ ETag: p1.ETag ?? '', PartNumber: 1 }];
      // IfMatch pins every copied range to the object version whose header was read.
      for (let start = MIN_PART, n = 2; start < size; start += COPY_PART, n += 1) {
        const end = Math.min(start + COPY_PART, size) - 1;
        const out = await client.send(
          new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, CopySource: `${bucket}/${key}`, CopySourceRange: rangeRequestHeader({ start, end }), CopySourceIfMatch: head.ETag }),
        );
        parts.push({ ETag: out.CopyPartResult?.ETag ?? '', PartNumber: n });
      }
      await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
      throw err;
    }
  };
}
