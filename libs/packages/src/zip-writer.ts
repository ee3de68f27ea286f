import { createHash } from 'node:crypto';
import { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { ManifestEntry } from '@modelguard/contracts';
import { reserveName } from '@modelguard/signing';
import { OpenBlob } from './blob-writer';
import { classifyPath } from './classify';
import { validateEntryName } from './entry-name';
import { PackageError, describeName } from './package-error';
import { useNativeCrc32ForYazl } from './yazl-native-crc32';

useNativeCrc32ForYazl();

export interface StreamZipOptions {
  /** Name of the checksum file added at the end; defaults to SHA256SUMS (suffixed if the package has one). */
  manifestName?: string;
  /** Timestamp written for every entry; fixed by default so the same package always yields the same bytes. */
  mtime?: Date;
  /** Small files written after the checksum file, under names the caller reserved (e.g. the signature bundle). */
  extraFiles?: readonly { name: string; content: Buffer }[];
}

const FIXED_MTIME = new Date(Date.UTC(2020, 0, 1));
// Weights and data formats are already dense (or huge): deflating them costs CPU and gains nothing.
const STORE_KINDS = new Set(['weights', 'datasets']);

/**
 * Re-hashes blob bytes on the way out so a corrupted or swapped blob can never be served under a manifest digest.
 * The last chunk is held back until the digest is known: a mismatch then errors before the final byte, so a client
 * never receives a complete (Content-Length-satisfying) copy of bytes that failed the check.
 */
export class DigestCheck extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;
  private held: Buffer | null = null;

  constructor(private readonly expected: ManifestEntry) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    cb(null, previous ?? undefined);
  }

  override _flush(cb: TransformCallback): void {
    const digest = this.hash.digest('hex');
    if (digest !== this.expected.sha256 || this.size !== this.expected.size) {
      cb(new Error(`blob for ${describeName(this.expected.path)} does not match its manifest digest`));
      return;
    }
    cb(null, this.held ?? undefined);
  }
}

function checksumName(entries: readonly ManifestEntry[], wanted: string): string {
  return reserveName(new Set(entries.map((e) => e.path)), wanted);
}

/** sha256sum(1) format: `<hex>  <path>` per line, so `sha256sum -c SHA256SUMS` verifies an extracted download. */
export function formatSha256Sums(entries: readonly ManifestEntry[]): string {
  return entries.map((e) => `${e.sha256}  ${e.path}\n`).join('');
}

/**
 * Writes a zip of the given manifest entries to `out`, pulling each blob lazily (one open blob at a time)
 * and respecting backpressure end to end: no file is ever held in memory.
 * Resolves when `out` has finished; rejects (and destroys `out`) if any blob fails or mismatches its digest.
 */
export async function streamZip(entries: readonly ManifestEntry[], openBlob: OpenBlob, out: Writable, opts: StreamZipOptions = {}): Promise<void> {
  const seen = new Set<string>();
  for (const entry of entries) {
    const path = validateEntryName(entry.path);
    if (path !== entry.path || path.endsWith('/')) throw new PackageError('INVALID_NAME', `manifest path is not canonical: ${describeName(entry.path)}`);
    if (seen.has(path)) throw new PackageError('DUPLICATE_ENTRY', `duplicate manifest path: ${describeName(path)}`);
    seen.add(path);
  }
  const mtime = opts.mtime ?? FIXED_MTIME;
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  zip.on('error', (error: Error) => output.destroy(error));
  for (const entry of entries) {
    const compress = !STORE_KINDS.has(classifyPath(entry.path));
    zip.addReadStreamLazy(entry.path, { size: entry.size, compress, mtime, mode: 0o100644 }, (cb) => {
      openBlob(entry.sha256).then(
        (blob) => {
          const checked = new DigestCheck(entry);
          blob.on('error', (error) => checked.destroy(error));
          checked.on('error', (error) => output.destroy(error));
          cb(null, blob.pipe(checked));
        },
        (error: unknown) => cb(error instanceof Error ? error : new Error(String(error)), Readable.from([])),
      );
    });
  }
  const sums = Buffer.from(formatSha256Sums(entries), 'utf8');
  zip.addBuffer(sums, checksumName(entries, opts.manifestName ?? 'SHA256SUMS'), { mtime, mode: 0o100644, compress: true });
  for (const extra of opts.extraFiles ?? []) zip.addBuffer(extra.content, extra.name, { mtime, mode: 0o100644, compress: true });
  zip.end();
  await pipeline(output, out);
}
