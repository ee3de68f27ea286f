import { type ByteRange, clampRange, rangeProblem } from '@modelguard/packages';
import { InvalidBlobIdError, InvalidRangeError } from './blob-errors';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Every public BlobStore method funnels ids through here. Only exactly 64 lowercase hex characters
 * pass, so an id can never contain `/`, `..`, NUL or anything else that could escape the blob root
 * (fs) or address another key (S3). Uppercase is refused rather than normalised so that one blob has
 * exactly one spelling.
 */
export function assertSha256(value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) throw new InvalidBlobIdError(value);
  return value;
}

export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

/** Content-addressed location, fanned out so no directory/prefix holds millions of entries. */
export function blobKey(sha256: string): string {
  const h = assertSha256(sha256);
  return `sha256/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`;
}

/** Checks the range against the blob size; an end beyond the blob is clamped (HTTP semantics). */
export function resolveRange(range: ByteRange, size: number): ByteRange {
  const problem = rangeProblem(range, size);
  if (problem) throw new InvalidRangeError(problem);
  return clampRange(range, size);
}
