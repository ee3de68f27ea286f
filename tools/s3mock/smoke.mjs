// S3Mock smoke check with the same client the services use (@aws-sdk/client-s3, path style, SDK default
// checksum mode): streamed put, get, ranged and suffix-ranged get, multipart upload with a range across
// parts, versioning. Exits 0 on success, 1 with the failing step otherwise; every request is time-bounded.
//
//   node tools/s3mock/smoke.mjs           (TEST_S3_ENDPOINT defaults to http://127.0.0.1:9090)
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, DeleteObjectCommand, DeleteBucketCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, PutBucketVersioningCommand,
  ListObjectVersionsCommand,
} from '@aws-sdk/client-s3';

const endpoint = process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:9090';
const s3 = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true, // S3Mock serves path-style only
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  // S3Mock 5.2.0 sends the WHOLE object's x-amz-checksum-crc32 on a ranged GET; the SDK's default
  // (WHEN_SUPPORTED) then rejects every range with "Checksum mismatch". Real S3 omits it for ranges.
  // Validate response checksums only when a request asks for them (ChecksumMode: ENABLED).
  responseChecksumValidation: 'WHEN_REQUIRED',
  requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000 },
});
const bucket = `smoke-${process.pid}-${Date.now()}`;
const sha = (buf) => createHash('sha256').update(buf).digest('hex');

async function bodyOf(key, range, versionId) {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, VersionId: versionId }));
  return Buffer.from(await res.Body.transformToByteArray());
}

function expectEqual(step, actual, expected) {
  if (!Buffer.from(actual).equals(Buffer.from(expected))) throw new Error(`${step}: bytes differ`);
  console.log(`[s3-smoke] ok: ${step}`);
}

async function run() {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  // A 12 MiB streamed single PUT: larger than S3Mock's 10 MB default payload cap (s3mock.sh raises it) and
  // sent as aws-chunked with a trailing checksum, which some S3 fakes store verbatim (corrupt objects).
  const big = randomBytes(12 * 1024 * 1024);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big.bin', Body: Readable.from([big.subarray(0, 1 << 20), big.subarray(1 << 20)]), ContentLength: big.length }));
  const back = await bodyOf('big.bin');
  if (sha(back) !== sha(big)) throw new Error('streamed put/get: sha256 differs');
  console.log('[s3-smoke] ok: streamed 12 MiB put + get');
  expectEqual('ranged get bytes=6-10', await bodyOf('big.bin', 'bytes=6-10'), big.subarray(6, 11));
  expectEqual('suffix range bytes=-4', await bodyOf('big.bin', 'bytes=-4'), big.subarray(big.length - 4));

  // Multipart: 5 MiB + 5 MiB + 1 KiB (parts other than the last must be >= 5 MiB).
  const parts = [randomBytes(5 << 20), randomBytes(5 << 20), randomBytes(1024)];
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi.bin' }));
  const done = [];
  for (const [i, part] of parts.entries()) {
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'multi.bin', UploadId, PartNumber: i + 1, Body: part }));
    done.push({ ETag, PartNumber: i + 1 });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'multi.bin', UploadId, MultipartUpload: { Parts: done } }));
  const whole = Buffer.concat(parts);
  if (sha(await bodyOf('multi.bin')) !== sha(whole)) throw new Error('multipart: sha256 differs');
  console.log('[s3-smoke] ok: multipart 5 MiB + 5 MiB + 1 KiB');
  const from = (5 << 20) - 10;
  expectEqual('range across parts', await bodyOf('multi.bin', `bytes=${from}-${from + 19}`), whole.subarray(from, from + 20));

  // Delete the unversioned objects before versioning is on (afterwards a delete only adds a marker).
  for (const Key of ['big.bin', 'multi.bin']) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));

  // Versioning: two versions of one key stay readable by VersionId.
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'v.txt', Body: 'one' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'v.txt', Body: 'two' }));
  expectEqual('versioning: latest', await bodyOf('v.txt'), 'two');
  expectEqual('versioning: by VersionId', await bodyOf('v.txt', undefined, v1.VersionId), 'one');

  // Clean up every version so the bucket can be deleted.
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
  for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

const t0 = Date.now();
try {
  await run();
  console.log(`[s3-smoke] ok: ${endpoint} all checks passed in ${Date.now() - t0} ms`);
} catch (error) {
  console.error(`[s3-smoke] FAILED against ${endpoint}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exitCode = 1;
} finally {
  s3.destroy();
}
