import type { ScanInput } from '../../../core/types';
import { FormatError } from '../common/findings';
import { SequentialReader } from '../common/sequential-reader';
import { decodeUtf8Strict } from '../common/strict-json';

/** Caps for hostile headers, which can declare counts like 2^62. Real models stay far below them. */
export const GGUF_LIMITS = {
  maxTensors: 1 << 20,
  maxKv: 1 << 16,
  maxStringBytes: 64 << 20,
  maxArrayElems: 1 << 24,
  maxArrayDepth: 4,
  maxDims: 8,
} as const;

export enum GgufType {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
}

const FIXED_SIZE: Partial<Record<GgufType, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

export interface GgufTensorInfo {
  name: string;
  dims: bigint[];
  type: number;
  offset: bigint;
  /** File offset where the tensor info record starts (for findings). */
  at: number;
}

export interface GgufHeader {
  version: number;
  /** Only values worth keeping (strings/numbers of interesting keys); big arrays are skipped. */
  kv: Map<string, string | number | bigint | boolean>;
  tensors: GgufTensorInfo[];
  /** `tokenizer.chat_template*` keys whose value is not a string (hidden from the template check). */
  nonStringTemplates: string[];
  /** End of the tensor-info section (before alignment padding). */
  infoEnd: number;
}

/** Keys whose scalar values we keep; everything else is parsed for validity and dropped. */
const KEEP = (key: string): boolean => key.startsWith('tokenizer.chat_template') || key === 'general.alignment' || key === 'general.name' || key === 'general.architecture';
/** Total bytes of kept strings: many huge "templates" must not add up to a memory exhaustion. */
const MAX_KEPT_BYTES = 128 << 20;

export async function readGgufHeader(input: ScanInput, budget: () => void): Promise<GgufHeader> {
  const r = new SequentialReader(input);
  const magic = await r.bytes(4, 'magic');
  if (magic.toString('latin1') !== 'GGUF') throw new FormatError('missing GGUF magic', 0);
  const version = await r.u32('version');
  if (version < 1 || version > 3) {
    throw new FormatError(`unsupported GGUF version ${version}${version > 0xffff ? ' (big-endian files are not supported)' : ''}`, 4);
  }
  // Version 1 used 32-bit counts and string lengths; later versions use 64-bit ones.
  const count = async (max: number, what: string): Promise<number> => {
    if (version > 1) return r.u64Capped(max, what);
    const at = r.offset;
    const v = await r.u32(what);
    if (v > max) throw new FormatError(`${what} ${v} exceeds the cap of ${max}`, at);
    return v;
  };
  let keptBytes = 0;
  const str = async (what: string, keep: boolean): Promise<string | undefined> => {
    const n = await count(GGUF_LIMITS.maxStringBytes, `${what} length`);
    if (!keep) {
      r.skip(n, what);
      return undefined;
    }
    keptBytes += n;
    if (keptBytes > MAX_KEPT_BYTES) throw new FormatError(`more than ${MAX_KEPT_BYTES} bytes of keys and templates`, r.offset);
    return decodeUtf8Strict(await r.bytes(n, what), what);
  };

  const tensorCount = await count(GGUF_LIMITS.maxTensors, 'tensor count');
  const kvCount = await count(GGUF_LIMITS.maxKv, 'metadata key/value count');
  const kv = new Map<string, string | number | bigint | boolean>();
  const nonStringTemplates: string[] = [];
  // Duplicate keys are a parser differential (readers disagree on which value wins), so all keys are tracked.
  const seenKeys = new Set<string>();

  const readValue = async (type: number, keep: boolean, depth: number, what: string): Promise<string | number | bigint | boolean | undefined> => {
    const fixed = FIXED_SIZE[type as GgufType];
    if (fixed !== undefined) {
      const b = await r.bytes(fixed, what);
      if (!keep) return undefined;
      switch (type as GgufType) {
        case GgufType.U8: return b.readUInt8(0);
        case GgufType.I8: return b.readInt8(0);
        case GgufType.U16: return b.readUInt16LE(0);
        case GgufType.I16: return b.readInt16LE(0);
        case GgufType.U32: return b.readUInt32LE(0);
        case GgufType.I32: return b.readInt32LE(0);
        case GgufType.F32: return b.readFloatLE(0);
        case GgufType.BOOL: return b[0] !== 0;
        case GgufType.U64: return b.readBigUInt64LE(0);
        case GgufType.I64: return b.readBigInt64LE(0);
        case GgufType.F64: return b.readDoubleLE(0);
        case GgufType.STRING:
        case GgufType.ARRAY:
          return undefined;
      }
    }
    if (type === GgufType.STRING) return str(what, keep);
    if (type !== GgufType.ARRAY) throw new FormatError(`${what}: unknown value type ${type}`, r.offset - 4);
    if (depth >= GGUF_LIMITS.maxArrayDepth) throw new FormatError(`${what}: arrays nested deeper than ${GGUF_LIMITS.maxArrayDepth}`, r.offset);
    const elemType = await r.u32(`${what} element type`);
    const n = await count(GGUF_LIMITS.maxArrayElems, `${what} element count`);
    const elemSize = FIXED_SIZE[elemType as GgufType];
    if (elemSize !== undefined) {
      // Checked multiplication against the remaining bytes before skipping: no allocation at all.
      if (n * elemSize > r.remaining) throw new FormatError(`${what}: ${n} elements run past the end of the file`, r.offset);
      r.skip(n * elemSize, what);
      return undefined;
    }
    if (elemType !== GgufType.STRING && elemType !== GgufType.ARRAY) throw new FormatError(`${what}: unknown element type ${elemType}`, r.offset);
    for (let i = 0; i < n; i++) {
      if (i % 1024 === 0) budget();
      await readValue(elemType, false, depth + 1, `${what}[${i}]`);
    }
    return undefined;
  };

  for (let i = 0; i < kvCount; i++) {
    budget();
    const key = (await str(`metadata key #${i}`, true)) ?? '';
    const type = await r.u32(`type of ${key}`);
    const value = await readValue(type, KEEP(key), 0, `metadata ${JSON.stringify(key.slice(0, 80))}`);
    if (seenKeys.has(key)) throw new FormatError(`duplicate metadata key ${JSON.stringify(key.slice(0, 80))}`, r.offset);
    seenKeys.add(key);
    if (value !== undefined) kv.set(key, value);
    if (key.startsWith('tokenizer.chat_template') && type !== GgufType.STRING) nonStringTemplates.push(key);
  }

  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    if (i % 256 === 0) budget();
    const at = r.offset;
    const name = (await str(`tensor #${i} name`, true)) ?? '';
    const nDims = await r.u32(`tensor ${name} dimension count`);
    if (nDims > GGUF_LIMITS.maxDims) throw new FormatError(`tensor ${JSON.stringify(name.slice(0, 80))} has ${nDims} dimensions (max ${GGUF_LIMITS.maxDims})`, at);
    const dims: bigint[] = [];
    for (let d = 0; d < nDims; d++) dims.push(version > 1 ? await r.u64('dimension') : BigInt(await r.u32('dimension')));
    const type = await r.u32('tensor type');
    const offset = await r.u64('tensor offset');
    tensors.push({ name, dims, type, offset, at });
  }
  return { version, kv, tensors, nonStringTemplates, infoEnd: r.offset };
}
