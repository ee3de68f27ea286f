import type { ScanInput } from '../core/types';
import { readIntoOf } from './inputs';
import { SHORT_ASCII_MAX, shortAscii } from './short-ascii';

/** Raised when a structure claims more bytes than the input holds. */
export class TruncatedError extends Error {}

const CHUNK = 1 << 20;

/**
 * Node's per-encoding decoders behind Buffer#toString, which callers only reach through argument checks and an
 * encoding lookup per call: called directly for the millions of short strings of a big pickle. Both methods
 * exist on every Buffer since Node 0.x (they are what toString dispatches to); bounds are checked by the caller.
 */
type SliceDecoders = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

/**
 * Forward cursor over a ScanInput with a 1 MiB read-ahead buffer. The hot path (`has`, `u8`, …) is synchronous;
 * callers `await fill(n)` only when `has(n)` is false, which keeps per-opcode parsing cheap. One buffer is
 * reused for the whole scan (unread bytes move to its front, new ones are read in behind them), so a multi-GB
 * input costs no allocation per chunk; views returned by `take`/`bytes`/`line` are therefore only valid until
 * the next `fill`.
 */
export class ByteReader {
  private store: Buffer | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private bufStart: number;
  private p = 0;

  constructor(
    readonly input: ScanInput,
    start = 0,
    readonly end = input.size,
  ) {
    this.bufStart = start;
  }

  /** Absolute offset of the cursor in the input. */
  get pos(): number {
    return this.bufStart + this.p;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  has(n: number): boolean {
    return this.buf.length - this.p >= n;
  }

  /** Everything up to `end` is buffered: `fill` could add nothing, so a caller need not await it. */
  buffersToEnd(): boolean {
    return this.buf.length - this.p >= this.end - this.pos;
  }

  /** Makes at least `n` bytes available (fewer at end of input). Returns whether `n` are available. */
  async fill(n: number): Promise<boolean> {
    if (this.has(n)) return true;
    const avail = this.buf.length - this.p;
    const want = Math.min(Math.max(n, CHUNK), this.end - this.pos);
    if (want <= avail) return avail >= n;
    const start = this.pos;
    const readInto = readIntoOf(this.input);
    if (!readInto) {
      const more = await this.input.read(start + avail, want - avail);
      this.buf = avail > 0 ? Buffer.concat([this.buf.subarray(this.p), more]) : more;
    } else {
      let store = this.store;
      if (!store || store.length < want) {
        const grown = Buffer.allocUnsafe(Math.max(want, CHUNK));
        if (avail > 0) this.buf.copy(grown, 0, this.p);
        store = this.store = grown;
      } else if (avail > 0) store.copyWithin(0, this.p, this.p + avail);
      const got = await readInto(store, avail, start + avail, want - avail);
      this.buf = store.subarray(0, avail + got);
    }
    this.bufStart = start;
    this.p = 0;
    return this.buf.length >= n;
  }

  u8(): number {
    return this.buf[this.p++];
  }

  /** Little-endian fixed-size reads of buffered bytes (callers check `has` first); no Buffer allocation. */
  u16(): number {
    const v = this.buf.readUInt16LE(this.p);
    this.p += 2;
    return v;
  }

  i32(): number {
    const v = this.buf.readInt32LE(this.p);
    this.p += 4;
    return v;
  }

  u32(): number {
    const v = this.buf.readUInt32LE(this.p);
    this.p += 4;
    return v;
  }

  /** Decodes `n` buffered bytes as text without allocating a Buffer view. */
  text(n: number, encoding: 'utf8' | 'latin1'): string {
    const b = this.buf as SliceDecoders;
    if (n <= SHORT_ASCII_MAX) {
      const s = shortAscii(b, this.p, n);
      if (s !== undefined) {
        this.p += n;
        return s;
      }
    }
    const end = this.p + n;
    const v = encoding === 'utf8' ? b.utf8Slice(this.p, end) : b.latin1Slice(this.p, end);
    this.p += n;
    return v;
  }

  peek(): number {
    return this.buf[this.p];
  }

  /** `n` bytes that must already be buffered. The view is only valid until the next fill. */
  take(n: number): Buffer {
    const out = this.buf.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }

  async bytes(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw new TruncatedError(`needs ${n} bytes at offset ${this.pos}, input ends`);
    return this.take(n);
  }

  /** Moves the cursor forward without reading the skipped bytes. */
  skip(n: number): void {
    if (n > this.remaining) throw new TruncatedError(`skip of ${n} bytes at offset ${this.pos} runs past the end`);
    const avail = this.buf.length - this.p;
    if (n <= avail) {
      this.p += n;
      return;
    }
    this.bufStart = this.pos + n;
    this.buf = Buffer.alloc(0);
    this.p = 0;
  }

  /** Reads up to and excluding the next `\n`, at most `max` bytes. Returns undefined when no newline is found. */
  async line(max: number): Promise<Buffer | undefined> {
    for (let want = 64; ; want = Math.min(want * 4, max + 1)) {
      const ok = await this.fill(want);
      const avail = Math.min(this.buf.length - this.p, max + 1);
      const nl = this.buf.indexOf(0x0a, this.p);
      if (nl !== -1 && nl - this.p <= max) {
        const out = this.buf.subarray(this.p, nl);
        this.p = nl + 1;
        return out;
      }
      if (!ok || avail > max || want > max) return undefined;
    }
  }
}
