import { createWriteStream } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ClientError } from '../domain/client-error';

/**
 * Writes one chunk of a resumable upload into its spool file at `offset`, streamed (never held in memory) and capped
 * at `room` bytes: a chunk running past the declared size is refused with 413 and none of it is kept. A chunk cut
 * off mid-way keeps the bytes that reached the disk — they are a valid prefix, so the client resumes after them.
 * Returns how many bytes were written; `interrupted` says the body ended early (the caller still records the bytes).
 */
export async function writeChunk(body: Readable, path: string, offset: number, room: number): Promise<{ written: number; interrupted: boolean }> {
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > room) cb(new ClientError(413, `the chunk runs past the upload's declared size (${room} bytes were left)`, {}, {}, 'too-large'));
      else cb(null, chunk);
    },
  });
  const out = createWriteStream(path, { flags: 'r+', start: offset });
  try {
    await pipeline(body, cap, out);
    return { written: out.bytesWritten, interrupted: false };
  } catch (error: unknown) {
    if (error instanceof ClientError) {
      // Refused: the file goes back to what was acknowledged, so no byte of a refused chunk is ever kept.
      body.resume();
      await truncate(path, offset);
      throw error;
    }
    // Only whole bytes that reached the file count; anything past them is overwritten by the resumed chunk.
    return { written: out.bytesWritten, interrupted: true };
  }
}
