import { Readable } from 'node:stream';
import type { ScanInput } from '../../../core/types';
import { FormatError } from './findings';

/** Reads exactly `length` bytes or fails: every caller has already bounded `length` against a cap. */
export async function readExact(input: ScanInput, offset: number, length: number, what: string): Promise<Buffer> {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(`${what}: invalid range`, offset);
  }
  if (offset + length > input.size) {
    throw new FormatError(`${what}: ${length} bytes at offset ${offset} run past the end of the file (${input.size} bytes)`, offset);
  }
  if (length === 0) return Buffer.alloc(0);
  const buf = await input.read(offset, length);
  if (buf.length < length) throw new FormatError(`${what}: short read at offset ${offset}`, offset);
  return buf.length === length ? buf : buf.subarray(0, length);
}

/** Reads up to `length` bytes (fewer at EOF). */
export async function readUpTo(input: ScanInput, offset: number, length: number): Promise<Buffer> {
  const n = Math.max(0, Math.min(length, input.size - offset));
  if (n === 0) return Buffer.alloc(0);
  const buf = await input.read(offset, n);
  return buf.length > n ? buf.subarray(0, n) : buf;
}

/** A ScanInput over a sub-range of another input (archive members stored without compression). */
export function sliceInput(parent: ScanInput, start: number, size: number, path: string): ScanInput {
  return {
    path,
    size,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      if (offset < 0 || n === 0) return Buffer.alloc(0);
      return parent.read(start + offset, n);
    },
    stream: (s = 0, e?: number) => parent.stream(start + s, start + Math.min(e ?? size - 1, size - 1)),
  };
}

/** A ScanInput over a small in-memory member (inflated archive entries, bounded by the caller). */
export function memoryInput(data: Buffer, path: string): ScanInput {
  return {
    path,
    size: data.length,
    read: async (offset, length) => data.subarray(Math.max(0, offset), Math.max(0, offset) + Math.max(0, length)),
    stream: (start = 0, end?: number) => Readable.from([data.subarray(start, end === undefined ? undefined : end + 1)]),
  };
}
