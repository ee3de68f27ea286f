import type { ScanInput } from '../../../core/types';
import { readExact } from './bytes';
import { FormatError } from './findings';
import { SequentialReader } from './sequential-reader';
import { decodeUtf8Strict } from './strict-json';

/** One protobuf field: varints carry `value`; length-delimited fields carry the byte range of their body. */
export interface PbField {
  field: number;
  wireType: number;
  /** Varint value (wire type 0), or undefined. */
  value?: bigint;
  /** Absolute file range of a length-delimited body (wire type 2). */
  start: number;
  end: number;
}

/**
 * Walks protobuf messages in place over a ScanInput: only tags and lengths are read, tensor payloads
 * (ONNX raw_data, TF tensor_content) are skipped by offset. Every length is checked against the
 * enclosing message before use, so a hostile length can neither allocate nor escape its parent.
 */
export class ProtobufWalker {
  private fieldsSeen = 0;
  private cache: { start: number; buf: Buffer } | undefined;

  constructor(
    readonly input: ScanInput,
    private readonly budget: () => void,
    /** Cap on fields visited per file (bounds work on "billion tiny fields" inputs). */
    private readonly maxFields = 50_000_000,
  ) {}

  /**
   * Messages up to 1 MiB are read once and decoded in memory (a 50k-node ONNX graph would otherwise cost one
   * read per node); nested messages are then served from that buffer. Bigger messages (graphs holding
   * initializers) are walked with a windowed reader so their payloads are skipped, not read.
   */
  async *fields(start: number, end: number): AsyncGenerator<PbField> {
    if (start < 0 || end < start || end > this.input.size) throw new FormatError(`message range [${start}, ${end}) is outside the file`, start);
    const cached = this.cache && start >= this.cache.start && end <= this.cache.start + this.cache.buf.length ? this.cache : undefined;
    if (cached || end - start <= IN_MEMORY_LIMIT) {
      const src = cached ?? { start, buf: await readExact(this.input, start, end - start, 'protobuf message') };
      if (!cached) this.cache = src;
      yield* this.decodeInMemory(src.buf.subarray(start - src.start, end - src.start), start);
      return;
    }
    const r = new SequentialReader(this.input, start, end);
    while (r.offset < end) {
      this.count(r.offset);
      const at = r.offset;
      const tag = await readVarint(r, end);
      const field = Number(tag >> 3n);
      const wireType = Number(tag & 7n);
      checkTag(tag, at);
      if (wireType === 0) {
        const value = await readVarint(r, end);
        yield { field, wireType, value, start: at, end: r.offset };
      } else if (wireType === 1 || wireType === 5) {
        const n = wireType === 1 ? 8 : 4;
        if (r.offset + n > end) throw new FormatError(`fixed${n * 8} field runs past its message`, at);
        r.skip(n, 'fixed field');
      } else if (wireType === 2) {
        const len = await readVarint(r, end);
        if (len > BigInt(end - r.offset)) throw new FormatError(`field ${field} length ${len} runs past its message`, at);
        const bodyStart = r.offset;
        r.skip(Number(len), 'length-delimited field');
        yield { field, wireType, start: bodyStart, end: r.offset };
      } else {
        // Groups (3/4) are deprecated and never used by ONNX/TF; refusing them keeps the walker simple.
        throw new FormatError(`unsupported protobuf wire type ${wireType}`, at);
      }
    }
  }

  private decodeInMemory(buf: Buffer, base: number): PbField[] {
    const out: PbField[] = [];
    let p = 0;
    const varint = (): bigint => {
      let v = 0n;
      for (let shift = 0n; shift < 70n; shift += 7n) {
        if (p >= buf.length) throw new FormatError('truncated varint', base + p);
        const b = buf.readUInt8(p++);
        v |= BigInt(b & 0x7f) << shift;
        if ((b & 0x80) === 0) return v;
      }
      throw new FormatError('varint longer than 10 bytes', base + p);
    };
    while (p < buf.length) {
      this.count(base + p);
      const at = p;
      const tag = varint();
      checkTag(tag, base + at);
      const field = Number(tag >> 3n);
      const wireType = Number(tag & 7n);
      if (wireType === 0) {
        const value = varint();
        out.push({ field, wireType, value, start: base + at, end: base + p });
      } else if (wireType === 1 || wireType === 5) {
        p += wireType === 1 ? 8 : 4;
        if (p > buf.length) throw new FormatError('fixed field runs past its message', base + at);
      } else if (wireType === 2) {
        const len = varint();
        if (len > BigInt(buf.length - p)) throw new FormatError(`field ${field} length ${len} runs past its message`, base + at);
        out.push({ field, wireType, start: base + p, end: base + p + Number(len) });
        p += Number(len);
      } else {
        throw new FormatError(`unsupported protobuf wire type ${wireType}`, base + at);
      }
    }
    return out;
  }

  private count(at: number): void {
    if (++this.fieldsSeen % 1024 === 0) this.budget();
    if (this.fieldsSeen > this.maxFields) throw new FormatError(`more than ${this.maxFields} protobuf fields`, at);
  }

  /** Reads a string/bytes field body, refusing anything above `cap` bytes. */
  async text(f: PbField, cap: number, what: string): Promise<string> {
    if (f.wireType !== 2) throw new FormatError(`${what} is not a length-delimited field`, f.start);
    if (f.end - f.start > cap) throw new FormatError(`${what} is ${f.end - f.start} bytes (cap ${cap})`, f.start);
    return decodeUtf8Strict(await readExact(this.input, f.start, f.end - f.start, what), what);
  }
}

const IN_MEMORY_LIMIT = 1 << 20;

function checkTag(tag: bigint, at: number): void {
  if (tag >> 3n === 0n || tag > 0xffffffffn) throw new FormatError(`invalid protobuf tag ${tag}`, at);
}

async function readVarint(r: SequentialReader, end: number): Promise<bigint> {
  let result = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (r.offset >= end) throw new FormatError('truncated varint', r.offset);
    const b = await r.u8('varint');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
  }
  throw new FormatError('varint longer than 10 bytes', r.offset);
}

/** Decodes the first few fields of a buffer (content sniffing); returns undefined if it is not protobuf. */
export function sniffFields(head: Buffer, maxFields: number): { field: number; wireType: number; value?: bigint; body?: Buffer }[] | undefined {
  const out: { field: number; wireType: number; value?: bigint; body?: Buffer }[] = [];
  let pos = 0;
  const varint = (): bigint | undefined => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= head.length) return undefined;
      const b = head.readUInt8(pos++);
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
    }
    return undefined;
  };
  while (out.length < maxFields && pos < head.length) {
    const tag = varint();
    if (tag === undefined || tag >> 3n === 0n || tag > 0xffffffffn) return out.length > 0 ? out : undefined;
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) {
      const value = varint();
      if (value === undefined) return out;
      out.push({ field, wireType, value });
    } else if (wireType === 2) {
      const len = varint();
      if (len === undefined) return out;
      const bodyEnd = pos + Number(len > 1n << 40n ? 1n << 40n : len);
      out.push({ field, wireType, body: head.subarray(pos, Math.min(bodyEnd, head.length)) });
      pos = bodyEnd;
    } else if (wireType === 1 || wireType === 5) {
      pos += wireType === 1 ? 8 : 4;
      out.push({ field, wireType });
    } else {
      return undefined;
    }
  }
  return out;
}
