import { PackageError } from './package-error';

/** Inclusive byte range, as in HTTP and BlobStore.get. */
export interface ByteRange {
  start: number;
  end: number;
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
  const end = spec[2] === '' ? size - 1 : Number(spec[2]);
  if (!Number.isSafeInteger(start) || start >= size) throw unsatisfiable();
  if (!Number.isSafeInteger(end)) return { start, end: size - 1 };
  if (end < start) return null; // syntactically invalid → ignore the header
  return { start, end: Math.min(end, size - 1) };
}

/** `Content-Range` value for a 206 (or `bytes * /size` for a 416 when range is null). */
export function contentRange(range: ByteRange | null, size: number): string {
  return range ? `bytes ${range.start}-${range.end}/${size}` : `bytes */${size}`;
}
