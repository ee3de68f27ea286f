import { close, fstat, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { SpoolBacking } from './spool-backing';

/**
 * Bytes per read of entry data. yauzl.open reads through fd-slicer streams, which inherit Node 20's default 16 KiB
 * stream buffer: a 1 GiB upload became 65,536 reads, each then passed chunk by chunk through the CRC check, the
 * SHA-256 hash and a blob-store write (the largest self-time rows of the upload profile, bench/RESULTS.md).
 */
const ENTRY_READ_CHUNK = 1024 * 1024;

/**
 * The archive file as yauzl's RandomAccessReader: identical bytes and the same ref-counting (yauzl closes it once
 * the ZipFile and every entry stream are done), but entry data streams in ENTRY_READ_CHUNK pieces.
 */
class FileSource extends yauzl.RandomAccessReader {
  constructor(
    private readonly fd: number,
    /** A sparse upload spool's skipped bytes (prefetching-spool.ts): read from their blobs instead. */
    private readonly backing: SpoolBacking,
  ) {
    super();
  }

  // Positioned reads on the shared fd (`end` exclusive). Not fs.createReadStream: destroying one of those closes its
  // fd even with autoClose off, and yauzl destroys entry streams that fail while others still need the file.
  override _readStreamForRange(start: number, end: number): Readable {
    if (this.backing.covers(start, end)) return Readable.from(this.pieces(start, end), { objectMode: false });
    return this.fileRange(start, end);
  }

  /** A range that runs through skipped bytes, stitched from the file and the blobs that hold them. */
  private async *pieces(start: number, end: number): AsyncGenerator<Buffer> {
    for (const piece of this.backing.pieces(start, end)) {
      const source = piece.span === undefined ? this.fileRange(piece.start, piece.end) : await this.backing.open(piece.span, piece.start, piece.end);
      for await (const chunk of source as AsyncIterable<Buffer>) yield chunk;
    }
  }

  private fileRange(start: number, end: number): Readable {
    const fd = this.fd;
    let pos = start;
    return new Readable({
      highWaterMark: ENTRY_READ_CHUNK,
      read() {
        const n = Math.min(ENTRY_READ_CHUNK, end - pos);
        if (n <= 0) return void this.push(null);
        const buf = Buffer.allocUnsafe(n);
        read(fd, buf, 0, n, pos, (err, bytesRead) => {
          if (err) return void this.destroy(err);
          if (bytesRead === 0) return void this.destroy(new Error('unexpected end of archive'));
          pos += bytesRead;
          this.push(bytesRead < n ? buf.subarray(0, bytesRead) : buf);
        });
      },
    });
  }

  // Headers and the central directory: one positioned read instead of a stream per header.
  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    if (this.backing.covers(position, position + length)) {
      this.readStitched(buffer.subarray(offset, offset + length), position).then(() => callback(null), (err: Error) => callback(err));
      return;
    }
    read(this.fd, buffer, offset, length, position, (err, bytesRead) => {
      if (err) callback(err);
      else if (bytesRead < length) callback(new Error('unexpected end of archive'));
      else callback(null);
    });
  }

  private async readStitched(into: Buffer, position: number): Promise<void> {
    let at = 0;
    for await (const chunk of this.pieces(position, position + into.length)) at += chunk.copy(into, at);
    if (at < into.length) throw new Error('unexpected end of archive');
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, (err) => callback(err ?? null));
  }
}

/** yauzl.open, over a FileSource. The fd is closed by yauzl (see FileSource) or here when opening fails. */
export function openZipFile(zipPath: string, options: yauzl.Options, backing: SpoolBacking = SpoolBacking.NONE): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    open(zipPath, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      fstat(fd, (statErr, stats) => {
        if (statErr) return close(fd, () => reject(statErr));
        yauzl.fromRandomAccessReader(new FileSource(fd, backing), stats.size, options, (err, zip) => {
          if (err) close(fd, () => reject(err));
          else resolve(zip);
        });
      });
    });
  });
}
