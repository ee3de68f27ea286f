import type { Readable } from 'node:stream';
import type { ByteRange } from '@modelguard/packages';

/**
 * The slice of the platform `BlobStore` the scan worker needs. Kept narrow so the random-access and
 * spooling helpers can be unit-tested over any content-addressed source.
 */
export interface BlobSource {
  get(sha256: string, range?: ByteRange): Promise<Readable>;
}

/** A blob could not be read as the manifest describes it (missing, truncated, wrong size). */
export class BlobReadError extends Error {
  constructor(
    message: string,
    readonly sha256: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'BlobReadError';
  }
}

/** The blob holds more bytes than the manifest declares: corrupted or substituted, retrying cannot help. */
export class BlobOversizeError extends BlobReadError {
  constructor(sha256: string, declared: number) {
    super(`blob ${sha256} is larger than the ${declared} bytes declared`, sha256);
    this.name = 'BlobOversizeError';
  }
}

/**
 * Collect exactly `expected` bytes from a stream into one buffer. A longer stream is cut (and destroyed,
 * so the socket or file handle is released); a shorter one is an error: the blob does not match its size.
 */
export async function readExactly(stream: Readable, expected: number, sha256: string): Promise<Buffer> {
  const target = Buffer.allocUnsafe(expected);
  let filled = 0;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      const take = Math.min(bytes.length, expected - filled);
      bytes.copy(target, filled, 0, take);
      filled += take;
      if (filled >= expected) break;
    }
  } catch (error) {
    throw new BlobReadError(`blob ${sha256} could not be read`, sha256, error);
  } finally {
    stream.destroy();
  }
  if (filled < expected) throw new BlobReadError(`blob ${sha256} ended after ${filled} of ${expected} bytes`, sha256);
  return target;
}
