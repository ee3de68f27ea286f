import { closeSync, constants, createReadStream, fstatSync, openSync, promises as fsp, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ScanInput } from '../core/types';

/**
 * Random-access inputs. Every scanner reads through `ScanInput.read`, so a multi-GB file, a slice of it (an
 * archive member stored without compression) or a blob in object storage all look the same and are never
 * loaded whole.
 */

/** An open file handle wrapped as a ScanInput. Call `close()` when done. */
export interface ClosableInput extends ScanInput {
  close(): Promise<void>;
}

/** Reads `length` bytes at `offset` into `target` at `at`; resolves to the count read (short at end of input). */
export type ReadInto = (target: Buffer, at: number, offset: number, length: number) => Promise<number>;

/**
 * Inputs that can read straight into a caller's buffer (no allocation per read). Kept beside the ScanInput
 * contract rather than in it so the public type stays as it is; sequential readers use it when present.
 */
const readIntoFns = new WeakMap<ScanInput, ReadInto>();

export function readIntoOf(input: ScanInput): ReadInto | undefined {
  return readIntoFns.get(input);
}

export async function openFileInput(path: string, displayPath = path): Promise<ClosableInput> {
  const handle = await fsp.open(path, 'r');
  const { size } = await handle.stat();
  const input: ClosableInput = {
    path: displayPath,
    size,
    async read(offset, length) {
      const len = clampLength(offset, length, size);
      if (len === 0) return Buffer.alloc(0);
      const buf = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await handle.read(buf, got, len - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === len ? buf : buf.subarray(0, got);
    },
    stream(start = 0, end = size) {
      if (end <= start) return Readable.from([]);
      return createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 });
    },
    close: () => handle.close(),
  };
  readIntoFns.set(input, async (target, at, offset, length) => {
    const len = clampLength(offset, length, size);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await handle.read(target, at + got, len - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got;
  });
  return input;
}

/**
 * `openFileInput` with blocking reads, for the scan worker only: it runs one scan at a time on its own thread,
 * where a pread of a local file costs microseconds while every promise read is a libuv thread-pool round trip
 * (30–100 µs). A 1 GiB PyTorch zip is ~40 such small reads (end record, local headers, tensor-record heads):
 * ~6 ms of waiting per scan before (issue 13, header-only formats row). Anything but a regular file (FIFO,
 * device) gets the promise-based input, whose reads cannot hang the thread.
 */
export async function openBlockingFileInput(path: string, displayPath = path): Promise<ClosableInput> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (no effect on regular files).
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let size: number;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      return await openFileInput(path, displayPath);
    }
    size = st.size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  const readAt = (target: Buffer, at: number, offset: number, length: number): number => {
    const len = clampLength(offset, length, size);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, target, at + got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  };
  let open = true;
  const input: ClosableInput = {
    path: displayPath,
    size,
    read: async (offset, length) => {
      const len = clampLength(offset, length, size);
      if (len === 0) return Buffer.alloc(0);
      const buf = Buffer.allocUnsafe(len);
      const got = readAt(buf, 0, offset, len);
      return got === len ? buf : buf.subarray(0, got);
    },
    stream(start = 0, end = size) {
      if (end <= start) return Readable.from([]);
      return createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 });
    },
    close: async () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
  readIntoFns.set(input, async (target, at, offset, length) => readAt(target, at, offset, length));
  return input;
}

export function bufferInput(buf: Buffer, path: string): ScanInput {
  return {
    path,
    size: buf.length,
    read: (offset, length) => Promise.resolve(buf.subarray(offset, offset + clampLength(offset, length, buf.length))),
    stream: (start = 0, end = buf.length) => Readable.from([buf.subarray(start, Math.max(start, end))]),
  };
}

/** A window `[start, start+length)` of another input, e.g. a stored zip member or a bytes value in a pickle. */
export function sliceInput(parent: ScanInput, start: number, length: number, path: string): ScanInput {
  const size = Math.max(0, Math.min(length, parent.size - start));
  return {
    path,
    size,
    read: (offset, len) => parent.read(start + offset, clampLength(offset, len, size)),
    stream: (s = 0, e = size) => parent.stream(start + s, start + Math.min(e, size)),
  };
}

function clampLength(offset: number, length: number, size: number): number {
  if (!Number.isFinite(offset) || offset < 0 || offset >= size || length <= 0) return 0;
  return Math.min(length, size - offset);
}
