import type { SpoolBacking } from './spool-backing';

/** An entry stored while the archive arrived, keyed in ZipPrefetcher's result by its local header's offset. */
export interface PrefetchedEntry {
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc: number;
  sha256: string;
}

/** What ingestZipToBlobStore takes from a prefetch: entries stored early, and the blobs standing in for skipped spool bytes. */
export interface PrefetchResult {
  prefetched: ReadonlyMap<number, PrefetchedEntry>;
  backing: SpoolBacking;
}
