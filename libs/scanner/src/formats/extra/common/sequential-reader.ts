import type { ScanInput } from '../../../core/types';
import { FormatError } from './findings';

const WINDOW = 64 * 1024;

/**
 * Little-endian cursor over a ScanInput that pulls 64 KiB windows on demand, so metadata sections of
 * multi-GB files (GGUF) are walked without loading them. Every multi-byte read is bounds-checked against
 * the file size before anything is allocated.
 */
export class SequentialReader {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  private pos: number;

  constructor(
    private readonly input: ScanInput,
    start = 0,
    /** Windows never extend past this offset (a nested message's end), so small messages read little. */
    private readonly windowLimit = input.size,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.input.size - this.pos;
  }

  private async ensure(n: number, what: string): Promise<number> {
    if (n > this.remaining) throw new FormatError(`${what}: needs ${n} bytes at offset ${this.pos}, only ${this.remaining} left`, this.pos);
    const rel = this.pos - this.bufStart;
    if (rel >= 0 && rel + n <= this.buf.length) return rel;
    const len = Math.max(n, Math.min(WINDOW, this.windowLimit - this.pos));
    const chunk = await this.input.read(this.pos, len);
    if (chunk.length < n) throw new FormatError(`${what}: short read at offset ${this.pos}`, this.pos);
    this.buf = chunk;
    this.bufStart = this.pos;
    return 0;
  }

  async u8(what = 'u8'): Promise<number> {
    const at = await this.ensure(1, what);
    this.pos += 1;
    return this.buf.readUInt8(at);
  }

  async u32(what = 'u32'): Promise<number> {
    const at = await this.ensure(4, what);
    this.pos += 4;
    return this.buf.readUInt32LE(at);
  }

  async u64(what = 'u64'): Promise<bigint> {
    const at = await this.ensure(8, what);
    this.pos += 8;
    return this.buf.readBigUInt64LE(at);
  }

  /** Reads a u64 that must fit a JS safe integer and `max` (lengths and counts). */
  async u64Capped(max: number, what: string): Promise<number> {
    const at = this.pos;
    const v = await this.u64(what);
    if (v > BigInt(max)) throw new FormatError(`${what} ${v} exceeds the cap of ${max}`, at);
    return Number(v);
  }

  async bytes(n: number, what: string): Promise<Buffer> {
    if (n > WINDOW) {
      // Large blobs (long strings) are read in one exact call; the caller has capped n.
      if (n > this.remaining) throw new FormatError(`${what}: ${n} bytes at offset ${this.pos} run past the end`, this.pos);
      const b = await this.input.read(this.pos, n);
      if (b.length < n) throw new FormatError(`${what}: short read at offset ${this.pos}`, this.pos);
      this.pos += n;
      return b.subarray(0, n);
    }
    const at = await this.ensure(n, what);
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  skip(n: number, what: string): void {
    if (n > this.remaining) throw new FormatError(`${what}: skipping ${n} bytes at offset ${this.pos} runs past the end`, this.pos);
    this.pos += n;
  }
}
