import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';

interface BufferCrc32 {
  unsigned(buf: Buffer, previous?: number): number;
}

/** What yazl's CRC-32 module answers with once `useNativeCrc32ForYazl` has run (zip-writer.spec checks it). */
export function nativeCrc32(buf: Buffer, previous?: number): number {
  return crc32(buf, previous ?? 0);
}

/**
 * yazl computes every entry's CRC-32 with `buffer-crc32`, a byte-at-a-time JavaScript loop: 53 MiB/s against
 * 1,958 MiB/s for Node's native `zlib.crc32` on a 1 GiB entry on the 2-core machine (bench/RESULTS.md, download
 * profile), which made it the ceiling of every zip we build on the fly. yazl calls it through the module object
 * (`crc32.unsigned(chunk, crc)`), so pointing that property at zlib.crc32 switches every zip yazl writes to the
 * native code. Both compute the standard CRC-32 (zip-writer.spec reads our zips back with Python's zipfile, which
 * checks every entry's CRC). Should a yazl release stop using `buffer-crc32` this way, only the speed is lost, and
 * zip-writer.spec fails on the identity check.
 */
export function useNativeCrc32ForYazl(): void {
  const fromYazl = createRequire(require.resolve('yazl'));
  const mod = fromYazl('buffer-crc32') as BufferCrc32;
  mod.unsigned = nativeCrc32;
}
