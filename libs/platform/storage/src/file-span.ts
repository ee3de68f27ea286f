import type { FileHandle } from 'node:fs/promises';
import { OutgoingMessage, ServerResponse } from 'node:http';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { DestinationEnd, ENDED } from './destination-end';
import { SendBufferPool } from './send-buffers';

/** Bytes per read and per socket write when a span is sent (as the fs store's serving reads, bench/RESULTS.md). */
const SEND_CHUNK = 1 << 20;
/** Buffers a span cycles through while it is sent: one being read into while the other is being written out. */
const SEND_BUFFERS = 2;
/**
 * The process's pooled send buffers: 32 MiB lets 16 downloads send in 1 MiB chunks at once. With 100 at once, an
 * aggregate of about 600 MiB/s gives each socket about 6 MiB/s, which small chunks keep up with.
 */
const sendBuffers = new SendBufferPool(SEND_CHUNK, 32, 5_000);
/** What a send uses when the pool is lent out, or for a span no longer than this. */
const SMALL_SEND_CHUNK = 128 * 1024;

/**
 * Bytes [start, end) of a file opened by the store, as a Readable that owns the handle (closed when the stream ends
 * or is destroyed). Read as a stream it behaves like `fh.createReadStream`; sent to an HTTP response with
 * `sendBody`, it instead cycles through two buffers (from the process's bounded pool, send-buffers.ts), refilling
 * each only after the socket has written it out. A stream allocates a fresh 1 MiB Buffer per chunk that lives until
 * V8's next external-memory scavenge: 40-64 MiB of dead Buffers in the embedded process during the 1 GiB transfer,
 * and the allocation, page faults and frees of every chunk on the download path (issue 13, bench/RESULTS.md).
 */
export class FileSpan extends Readable {
  private position: number;

  constructor(
    private readonly fh: FileHandle,
    private readonly start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: SEND_CHUNK });
    this.position = start;
  }

  override _read(): void {
    const length = Math.min(SEND_CHUNK, this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafe(length);
    this.fh.read(buffer, 0, length, this.position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) return this.destroy(truncated(this.position, this.end));
        this.position += bytesRead;
        this.push(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      },
      (err: Error) => this.destroy(err),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // FileHandle.close() waits for a read still in flight, so a span destroyed mid-read closes cleanly.
    this.fh.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }

  /**
   * Writes the span to `dest` and ends it; resolves once `dest` finished. Like `pipeline`: a read error destroys
   * `dest` with it, and a `dest` closed early rejects with ERR_STREAM_PREMATURE_CLOSE. A buffer is refilled only
   * after its write's callback ran, i.e. once `dest` no longer references it, so `dest` must not keep chunks past
   * that callback (a socket-backed HTTP response does not; a PassThrough would): use `sendBody`, which checks.
   */
  async sendTo(dest: Writable, pool: SendBufferPool = sendBuffers): Promise<void> {
    if (this.readableDidRead || this.destroyed) throw new Error('FileSpan.sendTo: the span was already read as a stream');
    const done = finished(dest, { readable: false });
    done.catch(() => undefined); // awaited below; this only keeps an early rejection from counting as unhandled
    const destEnd = new DestinationEnd(done);
    const size = this.end - this.start;
    const pooled = size > SMALL_SEND_CHUNK ? Array.from({ length: SEND_BUFFERS }, () => pool.take()) : [];
    const buffers = Array.from({ length: SEND_BUFFERS }, (_, i) => pooled[i] ?? Buffer.allocUnsafeSlow(Math.min(SMALL_SEND_CHUNK, Math.max(1, size))));
    const writes: (Promise<void> | undefined)[] = [];
    let sent = false;
    try {
      for (let turn = 0; this.position < this.end; turn++) {
        const slot = turn % SEND_BUFFERS;
        await destEnd.or(writes[slot]);
        const buffer = buffers[slot] as Buffer;
        const length = Math.min(buffer.length, this.end - this.position);
        const read = await destEnd.or(this.fh.read(buffer, 0, length, this.position));
        if (read === ENDED) throw new Error('the response ended before the stored file was sent');
        if (dest.destroyed) break; // closed while the read ran: `done` rejects with why
        const { bytesRead } = read;
        if (bytesRead === 0) throw truncated(this.position, this.end);
        this.position += bytesRead;
        writes[slot] = writeOut(dest, buffer.subarray(0, bytesRead));
      }
      if (!dest.destroyed) dest.end();
      await done;
      await Promise.all(writes); // settled already: 'finish' comes after every write's callback
      sent = true;
    } catch (error: unknown) {
      dest.destroy(error as Error);
      throw error;
    } finally {
      this.destroy();
      // After a failure a socket write may still refer to a buffer: only a finished send gives its buffers back.
      for (const buffer of pooled) {
        if (buffer === null) continue;
        if (sent) pool.give(buffer);
        else pool.drop();
      }
    }
  }
}

/**
 * Sends `body` to `dest` and ends it. A FileSpan going to an unwrapped HTTP response is sent with reused buffers
 * (FileSpan.sendTo); anything else goes through `pipeline`. Same outcome either way: resolves when `dest` finished,
 * rejects (and destroys both) on an error or an early close. The answer to a HEAD request reads nothing.
 */
export async function sendBody(body: Readable, dest: Writable): Promise<void> {
  if (dest instanceof ServerResponse && dest.req.method === 'HEAD') {
    // A HEAD answer has headers only (Node ignores written bytes): reading the whole blob would be for nothing.
    body.destroy();
    dest.end();
    return finished(dest, { readable: false });
  }
  if (body instanceof FileSpan && releasesChunksOnWrite(dest)) return body.sendTo(dest);
  await pipeline(body, dest);
}

/** An HTTP response whose `write` is Node's own: its callback runs once the socket has written the chunk. */
function releasesChunksOnWrite(dest: Writable): boolean {
  return dest instanceof OutgoingMessage && dest.write === OutgoingMessage.prototype.write;
}

function writeOut(dest: Writable, chunk: Buffer): Promise<void> {
  const written = new Promise<void>((resolve, reject) => {
    dest.write(chunk, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
  written.catch(() => undefined); // a failed write also closes `dest`, which `done` reports
  return written;
}

function truncated(position: number, end: number): Error {
  return new Error(`stored file ended at byte ${position}, ${end - position} bytes short of its recorded size`);
}
