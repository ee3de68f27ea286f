import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobClaim } from '@modelguard/contracts';
import { BlobNotFoundError } from '../blob-errors';
import type { BlobStore } from '../blob-store';
import { ClaimCheckError } from './claim-errors';

/** What the claim helpers need of a blob store (services bind narrower ports of the platform store). */
export type ClaimBlobStore = Pick<BlobStore, 'put' | 'get'>;

/**
 * Writes `content` to the blob store and returns the claim an event carries instead of it. Content-addressed, so
 * announcing the same content twice stores it once, and the orphan janitor collects it once nothing references it.
 */
export async function putClaim(blobs: ClaimBlobStore, content: Buffer | string): Promise<BlobClaim> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // expectedSha256: the store re-hashes what it received, so a claim never names bytes that were not stored.
  const stored = await blobs.put(Readable.from([bytes]), { expectedSha256: sha256, sizeHint: bytes.length, maxBytes: bytes.length });
  // A narrower port may ignore expectedSha256: the claim must still name exactly the bytes hashed here.
  if (stored.sha256 !== sha256 || stored.size !== bytes.length) throw new Error(`blob store stored ${stored.sha256} (${stored.size} bytes) for claim ${sha256} (${bytes.length} bytes)`);
  return { sha256, size: bytes.length };
}

/**
 * Fetches a claim's content and checks it is exactly what the producer wrote: never more than `size` bytes are read
 * (a larger blob fails at once), and the SHA-256 of what was read must equal the claim's. The blob store is
 * content-addressed, so a mismatch means the stored bytes were damaged or replaced.
 */
export async function readClaim(blobs: ClaimBlobStore, claim: BlobClaim, what: string): Promise<Buffer> {
  let stream: Readable;
  try {
    stream = await blobs.get(claim.sha256);
  } catch (error) {
    if (error instanceof BlobNotFoundError) {
      throw new ClaimCheckError('missing', what, claim.sha256, 'the blob is not in the blob store (collected after its version was deleted, or never written)');
    }
    throw error;
  }
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let read = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > claim.size) throw new ClaimCheckError('size-mismatch', what, claim.sha256, `the blob is larger than the claimed ${claim.size} bytes`);
      hash.update(chunk);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  if (read !== claim.size) throw new ClaimCheckError('size-mismatch', what, claim.sha256, `read ${read} bytes, the claim says ${claim.size}`);
  const actual = hash.digest('hex');
  if (actual !== claim.sha256) throw new ClaimCheckError('digest-mismatch', what, claim.sha256, `the content's SHA-256 is ${actual}`);
  return Buffer.concat(chunks, read);
}
