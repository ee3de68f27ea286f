import { createInflateRaw } from 'node:zlib';
import { Readable } from 'node:stream';
import type { ScanInput } from '../../core/types';
import { InflatedInput } from '../../io/inflated-input';
import { sliceInput } from '../../io/inputs';
import type { ZipEntry } from './zip-reader';

/**
 * Random-access view of one member's content. Stored members are a window of the archive (no copy);
 * deflated ones inflate forward on demand, capped at `cap` bytes (a member that inflates beyond its declared
 * size is noticed via `overflow`). Flag bits are ignored here exactly like PyTorch does.
 */
export function zipMemberInput(archive: ScanInput, e: ZipEntry, path: string, cap: number): ScanInput {
  const start = e.dataOffset ?? 0;
  if (e.method === 0) return sliceInput(archive, start, e.compressedSize, path);
  const compressedEnd = Math.min(archive.size, start + e.compressedSize);
  return new InflatedInput(
    path,
    e.size,
    () => ({ source: Readable.from(archive.stream(start, compressedEnd)), inflater: createInflateRaw() }),
    Math.min(cap, Math.max(e.size, 0) + (1 << 16)),
  );
}
