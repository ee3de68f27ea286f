import { PackageError } from './package-error';

/**
 * Inclusive byte range, as in HTTP `Range: bytes=start-end`. The one representation used from the download
 * endpoint through BlobStore.get down to S3 ranged reads, so no layer converts between conventions.
 */
export interface ByteRange {
  start: number;
  end: number;
}

/** Why `range` cannot be read from a resource of `size` bytes, or undefined when it can (see clampRange). */
export function rangeProblem(range: ByteRange, size: number): string | undefined {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    return `Invalid range ${String(start)}-${String(end)}: need integers with 0 <= start <= end`;
  }
  if (start >= size) return `Range start ${start} is beyond the size ${size}`;
  return undefined;
}

/** An end beyond the resource is cut to its last byte, as HTTP does. */
export function clampRange(range: ByteRange, size: number): ByteRange {
  return { start: range.start, end: Math.min(range.end, size - 1) };
}

/** The `bytes=start-end` form of a range, for outgoing requests (S3 GetObject Range, UploadPartCopy). */
export function rangeRequestHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end}`;
}

/**
 * Parses an HTTP Range header against a resource size (RFC 9110 §14).
 * Returns null when the whole resource should be served (no header, or a header we ignore),
 * a single range otherwise, and throws PackageError RANGE_NOT_SATISFIABLE (→ 416) when no range fits.
 *
 * Multi-range requests (`bytes=0-1,5-9`) are answered with the full body (returns null): RFC 9110 allows a
 * server to ignore Range, and multipart/byteranges adds complexity and an amplification vector for no real client.
 * Headers in another unit or syntactically invalid ones are likewise ignored, as the RFC requires.
 */
export function parseRangeHeader(header: string | undefined | null, size: number): ByteRange | null {
  if (header == null) return null;
  const value = header.trim();
  if (value.length > 200) return null;
  const match = /^bytes=\s*(.*)$/i.exec(value);
  if (!match) return null;
  const specs = match[1].split(',').map((s) => s.trim());
  if (specs.length !== 1) return null;
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]);
  if (!spec || (spec[1] === '' && spec[2] === '')) return null;
  const unsatisfiable = (): PackageError => new PackageError('RANGE_NOT_SATISFIABLE', `range ${specs[0]} not satisfiable for ${size} bytes`);
  if (spec[1] === '') {
    // Suffix range: the last N bytes.
    const suffix = Number(spec[2]);
    if (!Number.isSafeInteger(suffix) || suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(spec[1]);
  if (!Number.isSafeInteger(start) || start >= size) throw unsatisfiable();
  // An end too large to represent means "to the end", like an open range.
  const end = spec[2] === '' || !Number.isSafeInteger(Number(spec[2])) ? size - 1 : Number(spec[2]);
  if (end < start) return null; // syntactically invalid → ignore the header
  return clampRange({ start, end }, size);
}

/** `Content-Range` value for a 206 (or `bytes * /size` for a 416 when range is null). */
export function contentRange(range: ByteRange | null, size: number): string {
  return range ? `bytes ${range.start}-${range.end}/${size}` : `bytes */${size}`;
}
