/**
 * Zip records as they appear in the stream, front to back: the local file header before each entry's data and the
 * optional data descriptor after it. Only zip-prefetch.ts reads them; whatever it learns is used only where the
 * central directory (zip-reader.ts, the one authority on what an archive contains) agrees.
 */
export const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06064b50;
export const DATA_DESCRIPTOR_SIGNATURE = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
/** A data descriptor with its signature: 16 bytes, or 24 with zip64 sizes. */
export const DATA_DESCRIPTOR_MAX = 24;

/** Traditional PKWARE encryption (bit 0) and strong encryption (bit 6), in the general-purpose flags. */
export const ENCRYPTION_FLAGS = 0x0001 | 0x0040;
const FIXED_LOCAL_HEADER = 30;
const ZIP64_EXTRA_ID = 0x0001;
const U32_MAX = 0xffffffff;
/** General-purpose flag bit 3: CRC-32 and sizes follow the data in a data descriptor. */
const FLAG_DATA_DESCRIPTOR = 0x0008;

export interface LocalHeader {
  /** Bytes of header (fixed part, name, extra field): the entry's data starts this far after the header's offset. */
  headerLength: number;
  flags: number;
  method: number;
  /** Null when bit 3 is set: CRC and sizes are then only known from the data descriptor. */
  crc: number | null;
  compressedSize: number | null;
  uncompressedSize: number | null;
}

export type LocalRecord =
  /** `need`: the bytes the record takes, or as many as it takes to tell. */
  | { kind: 'need-more'; need: number }
  | { kind: 'local'; header: LocalHeader }
  /** The central directory began: every entry has gone by. */
  | { kind: 'central-directory' }
  | { kind: 'unexpected' };

/** Reads the record starting at `buf[0]`: a local header, the start of the central directory, or something else. */
export function readLocalRecord(buf: Buffer): LocalRecord {
  if (buf.length < 4) return { kind: 'need-more', need: 4 };
  const signature = buf.readUInt32LE(0);
  if (signature === CENTRAL_HEADER_SIGNATURE || signature === END_OF_CENTRAL_DIRECTORY_SIGNATURE || signature === ZIP64_END_OF_CENTRAL_DIRECTORY_SIGNATURE) {
    return { kind: 'central-directory' };
  }
  if (signature !== LOCAL_HEADER_SIGNATURE) return { kind: 'unexpected' };
  if (buf.length < FIXED_LOCAL_HEADER) return { kind: 'need-more', need: FIXED_LOCAL_HEADER };
  const nameLength = buf.readUInt16LE(26);
  const extraLength = buf.readUInt16LE(28);
  const headerLength = FIXED_LOCAL_HEADER + nameLength + extraLength;
  if (buf.length < headerLength) return { kind: 'need-more', need: headerLength };
  const flags = buf.readUInt16LE(6);
  const method = buf.readUInt16LE(8);
  if ((flags & FLAG_DATA_DESCRIPTOR) !== 0) {
    return { kind: 'local', header: { headerLength, flags, method, crc: null, compressedSize: null, uncompressedSize: null } };
  }
  let compressedSize = buf.readUInt32LE(18);
  let uncompressedSize = buf.readUInt32LE(22);
  if (compressedSize === U32_MAX || uncompressedSize === U32_MAX) {
    const sizes = zip64Sizes(buf.subarray(FIXED_LOCAL_HEADER + nameLength, headerLength), uncompressedSize === U32_MAX, compressedSize === U32_MAX);
    if (sizes === null) return { kind: 'unexpected' };
    compressedSize = sizes.compressed ?? compressedSize;
    uncompressedSize = sizes.uncompressed ?? uncompressedSize;
  }
  return { kind: 'local', header: { headerLength, flags, method, crc: buf.readUInt32LE(14), compressedSize, uncompressedSize } };
}

/** The zip64 extra field holds, in this order, only the sizes whose 32-bit field is 0xFFFFFFFF (APPNOTE 4.5.3). */
function zip64Sizes(extra: Buffer, wantUncompressed: boolean, wantCompressed: boolean): { uncompressed?: number; compressed?: number } | null {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    const data = extra.subarray(at + 4, at + 4 + size);
    at += 4 + size;
    if (id !== ZIP64_EXTRA_ID) continue;
    const need = (wantUncompressed ? 8 : 0) + (wantCompressed ? 8 : 0);
    if (data.length < need) return null;
    const out: { uncompressed?: number; compressed?: number } = {};
    let field = 0;
    if (wantUncompressed) out.uncompressed = Number(data.readBigUInt64LE((field++) * 8));
    if (wantCompressed) out.compressed = Number(data.readBigUInt64LE(field * 8));
    return out;
  }
  return null;
}

/**
 * Whether a data descriptor with signature starts at `buf[0]` and closes a stored entry of `size` bytes whose CRC-32
 * is `crc`: returns its length (16, or 24 with zip64 sizes), 0 if these bytes are entry data after all, or null when
 * more bytes are needed to tell. Random data holds the signature about once per 4 GiB; a match also needs the CRC and
 * both sizes to agree, and the central directory is still checked afterwards.
 */
export function matchDataDescriptor(buf: Buffer, crc: number, size: number): number | null {
  if (buf.length < DATA_DESCRIPTOR_MAX) return null;
  if (!buf.subarray(0, 4).equals(DATA_DESCRIPTOR_SIGNATURE) || buf.readUInt32LE(4) !== crc >>> 0) return 0;
  if (size <= U32_MAX && buf.readUInt32LE(8) === size && buf.readUInt32LE(12) === size) return 16;
  if (Number(buf.readBigUInt64LE(8)) === size && Number(buf.readBigUInt64LE(16)) === size) return 24;
  return 0;
}

/**
 * How many of the last bytes could begin a descriptor signature that the next chunk completes: those wait for it.
 * Usually none, so a chunk of entry data is passed on whole, not copied in front of the next one.
 */
export function signaturePrefixAtEnd(buf: Buffer): number {
  for (let n = Math.min(DATA_DESCRIPTOR_SIGNATURE.length - 1, buf.length); n > 0; n -= 1) {
    if (buf.subarray(buf.length - n).equals(DATA_DESCRIPTOR_SIGNATURE.subarray(0, n))) return n;
  }
  return 0;
}
