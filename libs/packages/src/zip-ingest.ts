import { Readable } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import type { ManifestEntry } from '@modelguard/contracts';
import { BlobWriter } from './blob-writer';
import { EntryVerifier } from './entry-verifier';
import { PackageError, describeName, isPackageError } from './package-error';
import type { PrefetchedEntry, PrefetchResult } from './prefetch-result';
import { ZipEntryInfo, ZipLimits } from './zip-limits';
import { openZip } from './zip-reader';

export interface IngestZipOptions {
  /**
   * Maps an archive path to the manifest path, or null to skip the entry (e.g. strip GitHub's
   * `<owner>-<repo>-<sha>/` folder and keep only a subdirectory). Must keep distinct paths distinct.
   */
  mapPath?: (path: string) => string | null;
  /**
   * What a ZipPrefetcher left (prefetching-spool.ts): entries stored while the archive arrived, by local header offset,
   * and the blobs holding the spool's skipped bytes. An entry is taken instead of reading it from the file only when
   * the central directory agrees with it exactly; see `prefetchAgrees`.
   */
  prefetch?: PrefetchResult;
}

/**
 * The prefetched blob holds exactly what this function would store: the same bytes of the file (same local header,
 * so the same data start, and the same compressed length), inflated the same way, to the size and CRC-32 the central
 * directory declares (which EntryVerifier would otherwise check).
 */
function prefetchAgrees(early: PrefetchedEntry, entry: Entry, info: ZipEntryInfo): boolean {
  return (
    early.method === entry.compressionMethod &&
    early.compressedSize === entry.compressedSize &&
    early.uncompressedSize === info.uncompressedSize &&
    early.crc === entry.crc32 >>> 0
  );
}

function openEntryStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) reject(new PackageError('CORRUPT_ZIP', `cannot read entry: ${err.message}`, { cause: err }));
      else resolve(stream);
    });
  });
}

function toPackageError(error: unknown, path: string): PackageError {
  if (isPackageError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  // yauzl's validateEntrySizes reports inflated data that disagrees with the central directory.
  if (/too many bytes|too few bytes|not enough bytes|size mismatch/i.test(message)) {
    return new PackageError('SIZE_MISMATCH', `entry ${describeName(path)} inflates to a different size than declared`, { cause: error });
  }
  return new PackageError('CORRUPT_ZIP', `entry ${describeName(path)} is corrupt: ${message}`, { cause: error });
}

/**
 * Streams every file of a validated archive into the blob store and returns the manifest.
 * Inflated bytes are counted per entry (against the declared size) and in total (against maxUnpackedBytes),
 * because declared sizes are attacker-controlled. Entries are processed one at a time: memory stays flat.
 */
export async function ingestZipToBlobStore(
  zipPath: string,
  blobStore: BlobWriter,
  limits: ZipLimits,
  options: IngestZipOptions = {},
): Promise<ManifestEntry[]> {
  const opened = await openZip(zipPath, limits, options.prefetch?.backing);
  const manifest: ManifestEntry[] = [];
  let inflatedTotal = 0;
  try {
    for (const { info, entry } of opened.files) {
      const target = options.mapPath ? options.mapPath(info.path) : info.path;
      if (target == null) continue;
      const early = options.prefetch?.prefetched.get(entry.relativeOffsetOfLocalHeader);
      // Within maxUnpackedBytes: the central directory's declared total was checked, and the sizes agree.
      if (early !== undefined && prefetchAgrees(early, entry, info)) {
        inflatedTotal += early.uncompressedSize;
        manifest.push({ path: target, size: early.uncompressedSize, sha256: early.sha256 });
        continue;
      }
      const source = await openEntryStream(opened.zip, entry);
      let failure: PackageError | null = null;
      const verifier = new EntryVerifier(info.path, info.uncompressedSize, entry.crc32, {
        remaining: limits.maxUnpackedBytes - inflatedTotal,
        limit: limits.maxUnpackedBytes,
      });
      source.on('error', (error) => {
        failure ??= toPackageError(error, info.path);
        verifier.destroy(failure);
      });
      verifier.on('error', (error) => {
        failure ??= toPackageError(error, info.path);
        source.destroy();
      });
      source.pipe(verifier);
      try {
        const stored = await blobStore.put(verifier, { sizeHint: info.uncompressedSize });
        if (failure) throw failure;
        inflatedTotal += stored.size;
        manifest.push({ path: target, size: stored.size, sha256: stored.sha256 });
      } catch (error) {
        // Read before destroy(): destroying the entry stream may synchronously report "stream destroyed".
        const archiveFault: PackageError | null = failure;
        source.destroy();
        // A storage failure (disk full, S3 down) is not the archive's fault: let it propagate unchanged.
        throw archiveFault ?? error;
      }
    }
    return manifest;
  } finally {
    opened.close();
  }
}
