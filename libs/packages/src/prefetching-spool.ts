import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { ZipPrefetcher } from './zip-prefetch';

/**
 * An upload's spool file, written sparsely beside a ZipPrefetcher: every chunk goes through the prefetcher first, and
 * the bytes it stored as blobs (stored entries' data, most of a model package) are skipped here, so the upload writes
 * them once. The file keeps its full length; what it lacks, SpoolBacking reads from those blobs (zip-file-source.ts).
 */
export class PrefetchingSpool extends Writable {
  private handle: FileHandle | null = null;
  private position = 0;

  constructor(
    private readonly path: string,
    private readonly prefetcher: ZipPrefetcher,
  ) {
    super({ highWaterMark: 1 << 20 });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'w').then(
      (handle) => {
        this.handle = handle;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeChunk(chunk).then(() => callback(), (error: Error) => callback(error));
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Skipped bytes at the very end still count: the central directory's offsets are into the whole archive.
    this.file().truncate(this.position).then(() => callback(), (error: Error) => callback(error));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = null;
    if (handle === null) return callback(error);
    handle.close().then(() => callback(error), () => callback(error));
  }

  private async writeChunk(chunk: Buffer): Promise<void> {
    const start = this.position;
    const end = start + chunk.length;
    this.position = end;
    await this.prefetcher.push(chunk);
    let at = start;
    for (const [from, to] of this.prefetcher.takenWithin(start, end)) {
      if (from > at) await this.writeAt(chunk.subarray(at - start, from - start), at);
      at = to;
    }
    if (at < end) await this.writeAt(chunk.subarray(at - start), at);
  }

  private async writeAt(bytes: Buffer, position: number): Promise<void> {
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await this.file().write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }

  private file(): FileHandle {
    if (this.handle === null) throw new Error('the spool file is closed');
    return this.handle;
  }
}
