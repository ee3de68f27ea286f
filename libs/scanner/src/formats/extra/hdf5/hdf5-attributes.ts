import type { ScanInput } from '../../../core/types';
import { readExact } from '../common/bytes';
import { FormatError } from '../common/findings';
import { readObjectHeader, MSG, type HeaderMessage } from './hdf5-object-header';
import { readSuperblock, readUInt, type Superblock } from './hdf5-superblock';

/** Keras configs are JSON text well under this; bigger values are refused, not truncated. */
export const MAX_ATTRIBUTE_TEXT = 32 << 20;
const MAX_HEAP_COLLECTION = 64 << 20;

export interface RootAttributes {
  superblock: Superblock;
  /** Decoded text of the requested string attributes (first element when it is an array). */
  text: Map<string, string>;
  names: string[];
  /** True when attributes live in "dense" storage (fractal heap), which this reader does not decode. */
  dense: boolean;
}

/** Reads the root group's attributes, decoding the string values of `wanted` names. */
export async function readRootAttributes(input: ScanInput, wanted: ReadonlySet<string>, budget: () => void): Promise<RootAttributes> {
  const superblock = await readSuperblock(input);
  const messages = await readObjectHeader(input, superblock, superblock.rootHeader, budget);
  const out: RootAttributes = { superblock, text: new Map(), names: [], dense: false };
  for (const m of messages) {
    budget();
    if (m.type === MSG.attributeInfo) out.dense = out.dense || hasDenseHeap(m, superblock);
    if (m.type !== MSG.attribute) continue;
    const attr = parseAttribute(m, superblock);
    out.names.push(attr.name);
    if (wanted.has(attr.name)) out.text.set(attr.name, await decodeString(input, superblock, attr, m.at));
  }
  return out;
}

interface RawAttribute {
  name: string;
  datatype: Buffer;
  count: number;
  data: Buffer;
}

function parseAttribute(m: HeaderMessage, sb: Superblock): RawAttribute {
  const d = m.data;
  if (d.length < 8) throw new FormatError('attribute message too short', m.at);
  const version = d.readUInt8(0);
  const flags = d.readUInt8(1);
  const nameSize = d.readUInt16LE(2);
  const dtSize = d.readUInt16LE(4);
  const dsSize = d.readUInt16LE(6);
  if (version < 1 || version > 3) throw new FormatError(`unsupported attribute message version ${version}`, m.at);
  if (flags & 0x03) throw new FormatError('shared datatype/dataspace in attributes is not supported', m.at);
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  let p = version === 3 ? 9 : 8;
  const need = p + pad(nameSize) + pad(dtSize) + pad(dsSize);
  if (need > d.length) throw new FormatError('attribute header fields overrun the message', m.at);
  const name = d.toString('utf8', p, p + Math.max(0, nameSize - 1)).replace(/\0+$/, '');
  p += pad(nameSize);
  const datatype = d.subarray(p, p + dtSize);
  p += pad(dtSize);
  const count = dataspaceCount(d.subarray(p, p + dsSize), sb, m.at);
  p += pad(dsSize);
  return { name, datatype, count, data: d.subarray(p) };
}

function dataspaceCount(ds: Buffer, sb: Superblock, at: number): number {
  if (ds.length < 2) throw new FormatError('dataspace too short', at);
  const version = ds.readUInt8(0);
  const rank = ds.readUInt8(1);
  if (version === 2 && ds[3] === 2) return 0; // null dataspace
  if (rank > 32) throw new FormatError(`dataspace rank ${rank}`, at);
  let p = version === 1 ? 8 : 4;
  let count = 1;
  for (let i = 0; i < rank; i++, p += sb.lengthSize) {
    count *= readUInt(ds, p, sb.lengthSize, 'dataspace dimension');
    if (count > 1 << 30) throw new FormatError('attribute has too many elements', at);
  }
  return count;
}

async function decodeString(input: ScanInput, sb: Superblock, attr: RawAttribute, at: number): Promise<string> {
  if (attr.datatype.length < 8) throw new FormatError(`attribute ${attr.name}: datatype too short`, at);
  const cls = attr.datatype.readUInt8(0) & 0x0f;
  const size = attr.datatype.readUInt32LE(4);
  if (attr.count < 1) return '';
  if (cls === 3) {
    if (size > MAX_ATTRIBUTE_TEXT || size > attr.data.length) throw new FormatError(`attribute ${attr.name}: string of ${size} bytes overruns the message`, at);
    return attr.data.toString('utf8', 0, size).replace(/[\0 ]+$/, '');
  }
  if (cls === 9 && (attr.datatype.readUInt8(1) & 0x0f) === 1) {
    // Variable-length string: (length u32, global heap collection address, object index u32).
    const need = 4 + sb.offsetSize + 4;
    if (attr.data.length < need) throw new FormatError(`attribute ${attr.name}: truncated variable-length reference`, at);
    const length = attr.data.readUInt32LE(0);
    const heap = readUInt(attr.data, 4, sb.offsetSize, 'global heap address');
    const index = attr.data.readUInt32LE(4 + sb.offsetSize);
    if (length > MAX_ATTRIBUTE_TEXT) throw new FormatError(`attribute ${attr.name}: ${length}-byte string exceeds the cap`, at);
    if (heap < 0) return '';
    const obj = await readGlobalHeapObject(input, sb, sb.base + heap, index);
    if (obj.length < length) throw new FormatError(`attribute ${attr.name}: heap object shorter than the string`, at);
    return obj.toString('utf8', 0, length);
  }
  throw new FormatError(`attribute ${attr.name} is not a string (datatype class ${cls})`, at);
}

async function readGlobalHeapObject(input: ScanInput, sb: Superblock, at: number, index: number): Promise<Buffer> {
  const head = await readExact(input, at, 8 + sb.lengthSize, 'global heap header');
  if (head.toString('latin1', 0, 4) !== 'GCOL') throw new FormatError('global heap collection without GCOL signature', at);
  const size = readUInt(head, 8, sb.lengthSize, 'global heap size');
  if (size > MAX_HEAP_COLLECTION) throw new FormatError(`global heap collection of ${size} bytes`, at);
  const buf = await readExact(input, at, Math.min(size, input.size - at), 'global heap collection');
  let p = 8 + sb.lengthSize;
  const objHeader = 8 + sb.lengthSize;
  while (p + objHeader <= buf.length) {
    const id = buf.readUInt16LE(p);
    if (id === 0) break; // free space marks the end of the objects
    const objSize = readUInt(buf, p + 8, sb.lengthSize, 'heap object size');
    const dataStart = p + objHeader;
    if (dataStart + objSize > buf.length) throw new FormatError('global heap object overruns its collection', at + p);
    if (id === index) return buf.subarray(dataStart, dataStart + objSize);
    p = dataStart + Math.ceil(objSize / 8) * 8;
  }
  throw new FormatError(`global heap object ${index} not found`, at);
}

function hasDenseHeap(m: HeaderMessage, sb: Superblock): boolean {
  const p = 2 + (m.data.readUInt8(1) & 0x01 ? 2 : 0);
  if (m.data.length < p + sb.offsetSize) return false;
  return readUInt(m.data, p, sb.offsetSize, 'fractal heap address') >= 0;
}
