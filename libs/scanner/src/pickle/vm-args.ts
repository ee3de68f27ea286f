import type { ByteReader } from '../io/byte-reader';
import { PickleError } from './pickle-errors';
import { decodeLong } from './string-decode';
import type { Value } from './values';

type TextKind = 'utf8' | 'latin1' | 'long';
const LINE_MAX = 1 << 16;

/**
 * Reads opcode arguments for the VM. The VM fills at least 512 bytes before each opcode unless the input ends,
 * so fixed-size arguments are read synchronously and being short means truncated input; strings are decoded
 * synchronously when buffered (no promise per string).
 */
export class OpArgs {
  constructor(
    private readonly reader: ByteReader,
    /** Longer strings/longs are not decoded: they become placeholders locating their bytes in the input. */
    private readonly maxInline: number,
  ) {}

  need(n: number, at: number): void {
    if (!this.reader.has(n)) throw new PickleError('truncated argument', at);
  }

  u8(at: number): number {
    this.need(1, at);
    return this.reader.u8();
  }

  u16(at: number): number {
    this.need(2, at);
    return this.reader.u16();
  }

  i32(at: number): number {
    this.need(4, at);
    return this.reader.i32();
  }

  u32(at: number): number {
    this.need(4, at);
    return this.reader.u32();
  }

  u64(at: number): number {
    this.need(8, at);
    const v = this.reader.take(8).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError('8-byte length too large', at);
    return Number(v);
  }

  /** A length-prefixed string (or LONG1/LONG4 integer) of `n` bytes. */
  text(n: number, at: number, kind: TextKind): Value | Promise<Value> {
    const r = this.reader;
    if (n >= 0 && n <= this.maxInline && r.has(n)) {
      return kind === 'long' ? { k: 'int', v: decodeLong(r.take(n)) } : { k: 'str', v: r.text(n, kind) };
    }
    if (n < 0 || !Number.isSafeInteger(n)) throw new PickleError('negative or huge length', at);
    if (n > r.remaining) throw new PickleError(`length ${n} runs past the end of the input`, at);
    if (n > this.maxInline) {
      const off = r.pos;
      r.skip(n);
      return kind === 'long' ? { k: 'int', v: undefined } : { k: 'bytes', off, len: n };
    }
    return r.bytes(n).then((b): Value => (kind === 'long' ? { k: 'int', v: decodeLong(b) } : { k: 'str', v: b.toString(kind) }));
  }

  /** A newline-terminated argument of the text protocols. */
  async line(at: number): Promise<string> {
    const l = await this.reader.line(LINE_MAX);
    if (l === undefined) throw new PickleError('unterminated text argument', at);
    return l.toString('latin1');
  }
}
