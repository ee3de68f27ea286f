import type { ScanInput } from '../../../core/types';
import { readExact, readUpTo } from '../common/bytes';
import { FormatError } from '../common/findings';

export const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The signature may follow a user block of 512, 1024, 2048, … bytes; searching past 64 MiB is pointless. */
const MAX_USERBLOCK = 64 << 20;

export interface Superblock {
  version: number;
  /** Offset of the signature: non-zero when the file starts with a user block. */
  signatureAt: number;
  /** Absolute file offset that stored addresses are relative to. */
  base: number;
  offsetSize: number;
  lengthSize: number;
  /** Absolute offset of the root group's object header. */
  rootHeader: number;
}

export async function findSignature(input: ScanInput): Promise<number | undefined> {
  for (let at = 0; at + 8 <= input.size && at <= MAX_USERBLOCK; at = at === 0 ? 512 : at * 2) {
    const b = await readUpTo(input, at, 8);
    if (b.equals(HDF5_SIGNATURE)) return at;
  }
  return undefined;
}

/** Reads a little-endian unsigned integer of 2–8 bytes; values beyond 2^53 are refused (no file is that big). */
export function readUInt(buf: Buffer, at: number, size: number, what: string): number {
  if (at < 0 || at + size > buf.length) throw new FormatError(`${what}: field runs past its structure`);
  // All-ones is HDF5's "undefined address"; callers treat -1 as absent (or reject it as a length).
  if (buf.subarray(at, at + size).every((x) => x === 0xff)) return -1;
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + buf.readUInt8(at + i);
  if (!Number.isSafeInteger(v)) throw new FormatError(`${what}: value too large`);
  return v;
}

export async function readSuperblock(input: ScanInput): Promise<Superblock> {
  const sigAt = await findSignature(input);
  if (sigAt === undefined) throw new FormatError('no HDF5 signature');
  const b = await readUpTo(input, sigAt, 128);
  if (b.length < 16) throw new FormatError('truncated superblock', sigAt);
  const version = b.readUInt8(8);
  let offsetSize: number;
  let lengthSize: number;
  let base: number;
  let rootHeader: number;
  if (version === 0 || version === 1) {
    offsetSize = b.readUInt8(13);
    lengthSize = b.readUInt8(14);
    checkSizes(offsetSize, lengthSize, sigAt);
    let p = 24 + (version === 1 ? 4 : 0);
    base = readUInt(b, p, offsetSize, 'base address');
    p += offsetSize * 4; // base, free-space, end-of-file, driver-info addresses
    p += offsetSize; // root symbol table entry: link name offset
    rootHeader = readUInt(b, p, offsetSize, 'root object header address');
  } else if (version === 2 || version === 3) {
    offsetSize = b.readUInt8(9);
    lengthSize = b.readUInt8(10);
    checkSizes(offsetSize, lengthSize, sigAt);
    base = readUInt(b, 12, offsetSize, 'base address');
    rootHeader = readUInt(b, 12 + offsetSize * 3, offsetSize, 'root object header address');
  } else {
    throw new FormatError(`unsupported HDF5 superblock version ${version}`, sigAt + 8);
  }
  if (base < 0 || rootHeader < 0) throw new FormatError('undefined root group address', sigAt);
  // Like the HDF5 library, addresses are taken relative to where the superblock really is (a file moved
  // behind a user block keeps its stored base address of 0).
  base = sigAt;
  const absRoot = base + rootHeader;
  if (absRoot >= input.size) throw new FormatError(`root object header at ${absRoot} is outside the file`, sigAt);
  await readExact(input, absRoot, 1, 'root object header');
  return { version, signatureAt: sigAt, base, offsetSize, lengthSize, rootHeader: absRoot };
}

function checkSizes(offsetSize: number, lengthSize: number, at: number): void {
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) {
    throw new FormatError(`invalid HDF5 offset/length sizes ${offsetSize}/${lengthSize}`, at);
  }
}
