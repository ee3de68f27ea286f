import { inflateRawSync } from 'node:zlib';
import type { ScanInput } from '../../../core/types';
import { readExact, readUpTo } from './bytes';
import { FormatError } from './findings';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;
const MAX_ENTRIES = 10_000;
const MAX_DIRECTORY = 16 << 20;

/**
 * Reads a zip's central directory (the authoritative listing, as the notes §4 B11 require) through
 * ScanInput.read: only the tail of the file and the directory are touched. Zip64 is refused here because
 * Keras v3 archives (the only user) hold small config files; the engine's archive scanner handles the rest.
 */
export async function readZipDirectory(input: ScanInput): Promise<ZipEntry[]> {
  const tailLen = Math.min(input.size, 22 + MAX_COMMENT);
  const tail = await readUpTo(input, input.size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FormatError('no zip end-of-central-directory record');
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new FormatError('zip64 archives are not supported by this reader');
  if (count > MAX_ENTRIES || dirSize > MAX_DIRECTORY) throw new FormatError(`zip directory too large (${count} entries, ${dirSize} bytes)`);
  const dir = await readExact(input, dirOffset, dirSize, 'zip central directory');
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CDH_SIG) throw new FormatError(`bad central directory header #${i}`, dirOffset + p);
    const nameLen = dir.readUInt16LE(p + 28);
    const extraLen = dir.readUInt16LE(p + 30);
    const commentLen = dir.readUInt16LE(p + 32);
    if (p + 46 + nameLen > dir.length) throw new FormatError('central directory name overruns the directory', dirOffset + p);
    entries.push({
      name: dir.toString('utf8', p + 46, p + 46 + nameLen),
      flags: dir.readUInt16LE(p + 8),
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      localHeaderOffset: dir.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Absolute offset of an entry's data (after its local header). */
export async function entryDataOffset(input: ScanInput, e: ZipEntry): Promise<number> {
  const lfh = await readExact(input, e.localHeaderOffset, 30, 'zip local header');
  if (lfh.readUInt32LE(0) !== LFH_SIG) throw new FormatError(`bad local header for ${e.name}`, e.localHeaderOffset);
  const start = e.localHeaderOffset + 30 + lfh.readUInt16LE(26) + lfh.readUInt16LE(28);
  if (start + e.compressedSize > input.size) throw new FormatError(`${e.name}: data runs past the end of the archive`, e.localHeaderOffset);
  return start;
}

/** Extracts a small member (stored or deflated) with a hard cap on the inflated size. */
export async function readSmallEntry(input: ScanInput, e: ZipEntry, cap: number): Promise<Buffer> {
  if (e.flags & 0x01) throw new FormatError(`${e.name} is encrypted`);
  if (e.size > cap || e.compressedSize > cap) throw new FormatError(`${e.name} is ${e.size} bytes (cap ${cap})`);
  const start = await entryDataOffset(input, e);
  const raw = await readExact(input, start, e.compressedSize, e.name);
  if (e.method === 0) return raw;
  if (e.method !== 8) throw new FormatError(`${e.name} uses unsupported compression method ${e.method}`);
  try {
    // maxOutputLength stops a decompression bomb even when the declared size lies.
    return inflateRawSync(raw, { maxOutputLength: cap });
  } catch (err: unknown) {
    throw new FormatError(`${e.name} does not inflate: ${err instanceof Error ? err.message : String(err)}`);
  }
}
