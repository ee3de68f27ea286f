import { Readable, type Transform } from 'node:stream';
import type { ScanInput } from '../core/types';

/** Raised when a compressed stream inflates past its byte cap (decompression bomb). */
export class InflateLimitError extends Error {
  constructor(readonly limit: number) {
    super(`inflated data exceeds the ${limit}-byte cap`);
  }
}

/**
 * A compressed stream (zip member, gzip/zlib wrapper) exposed as a ScanInput without inflating it into
 * memory. Decompression runs forward; a read behind the current window restarts it (parsers read forward, so
 * that is rare). `size` is an upper bound when the true length is unknown: reads past the real end are short.
 */
export class InflatedInput implements ScanInput {
  private iterator: AsyncIterator<Buffer> | undefined;
  private source: Readable | undefined;
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;
  private done = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bytes produced beyond `size` (declared size lied); set once the stream has been read to its end. */
  overflow = false;

  constructor(
    readonly path: string,
    readonly size: number,
    private readonly open: () => { source: Readable; inflater: Transform },
    private readonly cap: number,
  ) {}

  read(offset: number, length: number): Promise<Buffer> {
    // Serialise reads: the decompressor is a single forward cursor.
    const next = this.queue.then(() => this.readNow(offset, length));
    this.queue = next.catch(() => undefined);
    return next;
  }

  stream(start = 0, end = this.size): NodeJS.ReadableStream {
    const read = (pos: number, len: number): Promise<Buffer> => this.read(pos, len);
    return Readable.from(
      (async function* () {
        for (let pos = start; pos < end; ) {
          const chunk = await read(pos, Math.min(1 << 20, end - pos));
          if (chunk.length === 0) return;
          pos += chunk.length;
          yield chunk;
        }
      })(),
    );
  }

  /** Releases the underlying streams. */
  destroy(): void {
    this.source?.destroy();
    this.iterator = undefined;
  }

  private async readNow(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || length <= 0 || offset >= this.size) return Buffer.alloc(0);
    const want = Math.min(length, this.size - offset);
    const iterator = offset < this.windowStart || !this.iterator ? this.restart() : this.iterator;
    while (this.windowStart + this.window.length < offset + want && !this.done) {
      const { value, done } = await iterator.next();
      if (done) {
        this.done = true;
        break;
      }
      const produced = this.windowStart + this.window.length + value.length;
      if (produced > this.cap) throw new InflateLimitError(this.cap);
      if (produced > this.size) this.overflow = true;
      // Keep only what the caller still needs: the window never grows beyond one request plus one chunk.
      const keepFrom = Math.max(0, Math.min(offset - this.windowStart, this.window.length));
      this.window = keepFrom === this.window.length ? value : Buffer.concat([this.window.subarray(keepFrom), value]);
      this.windowStart += keepFrom;
    }
    const rel = offset - this.windowStart;
    return Buffer.from(this.window.subarray(Math.max(0, rel), Math.max(0, rel) + want));
  }

  private restart(): AsyncIterator<Buffer> {
    this.destroy();
    const { source, inflater } = this.open();
    source.on('error', (err) => inflater.destroy(err));
    this.source = source;
    const iterator = source.pipe(inflater)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.iterator = iterator;
    this.window = Buffer.alloc(0);
    this.windowStart = 0;
    this.done = false;
    return iterator;
  }
}
