import type { ScanInput } from '../../core/types';

/** One member as the central directory describes it, cross-checked against its local header. */
export interface ZipEntry {
  name: string;
  localName?: string;
  flags: number;
  localFlags?: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** Offset of the member's data, from the local header (undefined when the local header is unreadable). */
  dataOffset?: number;
  externalAttrs: number;
  madeByUnix: boolean;
  localCrc?: number;
  localCompressedSize?: number;
  localSize?: number;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Offset of the first local header: bytes before it are a prepended polyglot payload. */
  firstLocalOffset: number;
  /** Problems with the directory as a whole. */
  problems: string[];
}

export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end record (22 bytes) plus the longest comment it may carry. */
const MAX_TAIL = 22 + 0xffff;

/** What reading a directory may cost: a hostile archive can declare any count or size. */
export interface ZipReadLimits {
  maxEntries: number;
  /** Refuse a central directory larger than this (unbounded when absent). */
  maxDirectoryBytes?: number;
}

/** The central directory alone, without the local headers: enough to list names (format detection). */
export interface CentralDirectory {
  entries: ZipEntry[];
  /** Where the directory starts: the first local header when the archive has no members. */
  offset: number;
  problems: string[];
}

/**
 * The end-of-central-directory record nearest the end of the input (bytes from the record to the end of the
 * input), and its absolute offset; undefined when the tail holds none.
 */
export async function locateEndRecord(input: ScanInput): Promise<{ record: Buffer; offset: number } | undefined> {
  const tailLen = Math.min(input.size, MAX_TAIL);
  const tail = await input.read(input.size - tailLen, tailLen);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) return { record: tail.subarray(i), offset: input.size - tailLen + i };
  }
  return undefined;
}

/** True when the end record points at a central directory: random tensor bytes can contain its signature. */
export async function hasCentralDirectoryAtEnd(input: ScanInput): Promise<boolean> {
  const end = await locateEndRecord(input);
  if (!end) return false;
  const sig = await input.read(end.record.readUInt32LE(16), 4);
  return sig.length === 4 && sig.readUInt32LE(0) === CENTRAL;
}

/**
 * A relaxed zip reader keyed on the central directory, like PyTorch's (miniz) rather than Python's zipfile:
 * CRCs and flag bits do not stop it, but every disagreement between the central directory and the local
 * headers is recorded so the scanner can report it. Reads only directory structures.
 */
export async function readZipDirectory(input: ScanInput, limits: ZipReadLimits): Promise<ZipDirectory> {
  const { entries, offset, problems } = await readCentralDirectory(input, limits);
  for (const e of entries) await readLocalHeader(input, e);
  const firstLocalOffset = entries.length ? Math.min(...entries.map((e) => e.localHeaderOffset)) : offset;
  return { entries, firstLocalOffset, problems };
}

/** The members the central directory lists (zip64 included), with the local-header fields left unset. */
export async function readCentralDirectory(input: ScanInput, limits: ZipReadLimits): Promise<CentralDirectory> {
  const end = await locateEndRecord(input);
  if (!end) throw new ZipFormatError('no end-of-central-directory record');
  const problems: string[] = [];
  let count = end.record.readUInt16LE(10);
  let cdSize = end.record.readUInt32LE(12);
  let cdOffset = end.record.readUInt32LE(16);
  const saturated = count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff;
  // Python's zipfile (3.11 _EndRecData64) applies a zip64 locator whenever one precedes the end record; miniz
  // and our 32-bit view only when the fields are saturated. Both directories are read when they disagree.
  let other: { offset: number; size: number } | undefined;
  const loc = end.offset >= 20 ? await input.read(end.offset - 20, 20) : Buffer.alloc(0);
  if (loc.length === 20 && loc.readUInt32LE(0) === EOCD64_LOCATOR) {
    const recOff = safeNumber(loc.readBigUInt64LE(8));
    const rec = await input.read(recOff, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== EOCD64) throw new ZipFormatError('broken zip64 end record');
    const z = { count: safeNumber(rec.readBigUInt64LE(32)), size: safeNumber(rec.readBigUInt64LE(40)), offset: safeNumber(rec.readBigUInt64LE(48)) };
    if (saturated) ({ count, size: cdSize, offset: cdOffset } = z);
    else if (z.offset !== cdOffset || z.size !== cdSize || z.count !== count) {
      problems.push(`zip64 end record points to another central directory (offset ${z.offset}) than the end record (${cdOffset}): Python zipfile reads that one`);
      other = { offset: z.offset, size: z.size };
    }
  }
  if (count > limits.maxEntries) throw new ZipFormatError(`archive declares ${count} entries (limit ${limits.maxEntries})`);
  if (limits.maxDirectoryBytes !== undefined && cdSize > limits.maxDirectoryBytes) {
    throw new ZipFormatError(`central directory is ${cdSize} bytes (limit ${limits.maxDirectoryBytes})`);
  }
  if (cdOffset + cdSize > input.size) throw new ZipFormatError('central directory lies outside the file');
  const entries = await readEntries(input, cdOffset, cdSize, limits, problems);
  // Python's zipfile reads entries until the directory's byte size is used up; miniz (PyTorch) stops at the count.
  if (entries.length > count) {
    problems.push(`end record counts ${count} entries but the central directory holds ${entries.length}: Python zipfile reads them all, PyTorch's miniz only ${count}`);
  }
  if (entries.length < count) problems.push(`central directory declares ${count} entries but holds ${entries.length}`);
  if (other && other.offset + other.size <= input.size && other.size <= (limits.maxDirectoryBytes ?? Infinity)) {
    entries.push(...(await readEntries(input, other.offset, other.size, limits, problems)));
  }
  return { entries, offset: cdOffset, problems };
}

async function readEntries(input: ScanInput, cdOffset: number, cdSize: number, limits: ZipReadLimits, problems: string[]): Promise<ZipEntry[]> {
  const cd = await input.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length) {
    if (entries.length >= limits.maxEntries) throw new ZipFormatError(`central directory holds more than ${limits.maxEntries} entries`);
    if (cd.readUInt32LE(p) !== CENTRAL) {
      problems.push(`central directory entry ${entries.length} has a bad signature`);
      break;
    }
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const nameBuf = cd.subarray(p + 46, p + 46 + nameLen);
    const flags = cd.readUInt16LE(p + 8);
    const entry: ZipEntry = {
      name: decodeName(nameBuf, flags),
      flags,
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      externalAttrs: cd.readUInt32LE(p + 38),
      madeByUnix: cd[p + 5] === 3,
    };
    applyZip64(entry, cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

async function readLocalHeader(input: ScanInput, e: ZipEntry): Promise<void> {
  const h = await input.read(e.localHeaderOffset, 30);
  if (h.length < 30 || h.readUInt32LE(0) !== LOCAL) return;
  const nameLen = h.readUInt16LE(26);
  const extraLen = h.readUInt16LE(28);
  const rest = await input.read(e.localHeaderOffset + 30, nameLen);
  e.localFlags = h.readUInt16LE(6);
  e.localName = decodeName(rest, e.localFlags);
  e.localCrc = h.readUInt32LE(14);
  e.localCompressedSize = h.readUInt32LE(18);
  e.localSize = h.readUInt32LE(22);
  e.dataOffset = e.localHeaderOffset + 30 + nameLen + extraLen;
}

function applyZip64(e: ZipEntry, extra: Buffer): void {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let q = i + 4;
      const next = (): number | undefined => (q + 8 <= i + 4 + len && q + 8 <= extra.length ? safeNumber(extra.readBigUInt64LE((q += 8) - 8)) : undefined);
      if (e.size === 0xffffffff) e.size = next() ?? e.size;
      if (e.compressedSize === 0xffffffff) e.compressedSize = next() ?? e.compressedSize;
      if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = next() ?? e.localHeaderOffset;
    }
    i += 4 + len;
  }
}

function decodeName(buf: Buffer, flags: number): string {
  // Bit 11 = UTF-8; otherwise CP437, which for the ASCII names that matter decodes the same as latin1.
  return flags & 0x800 ? buf.toString('utf8') : buf.toString('latin1');
}

function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip64 value too large');
  return Number(v);
}

/** Reasons a member name is unsafe to extract (zip slip, absolute paths, NUL, backslashes, drive letters). */
export function unsafeMemberName(name: string): string | undefined {
  if (name.includes('\0')) return 'NUL byte in name';
  if (name.startsWith('/') || name.startsWith('\\')) return 'absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'drive-letter path';
  if (name.split(/[\\/]/).includes('..')) return 'parent-directory (..) segment';
  return undefined;
}
