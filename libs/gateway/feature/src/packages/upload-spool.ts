import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { discardPartialFile } from '@modelguard/storage';
import { ClientError } from '../domain/client-error';

/**
 * Streams a request body to a temp file, aborting with 413 as soon as it exceeds `maxBytes` — the body is never held
 * in memory, and a lying or missing Content-Length does not matter. The caller must `rm` the returned path.
 * `openSink` opens the writer of the file at `path` (uploads use PrefetchingSpool, which stores entries on the way).
 */
export async function spoolToTempFile(
  body: Readable,
  dir: string,
  maxBytes: number,
  declaredLength: number | undefined,
  openSink: (path: string) => Writable,
): Promise<string> {
  if (declaredLength !== undefined && declaredLength > maxBytes) {
    body.resume();
    throw new ClientError(413, `package exceeds the upload limit of ${maxBytes} bytes`);
  }
  await mkdir(dir, { recursive: true });
  const path = join(dir, `upload-${randomUUID()}.zip`);
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxBytes) cb(new ClientError(413, `package exceeds the upload limit of ${maxBytes} bytes`));
      else cb(null, chunk);
    },
  });
  const file = openSink(path);
  try {
    await pipeline(body, cap, file);
    if (seen === 0) throw new ClientError(400, 'the upload body is empty; send a zip archive');
    return path;
  } catch (error: unknown) {
    await discardPartialFile(file, path);
    if (error instanceof ClientError) throw error;
    throw new ClientError(400, 'the upload was interrupted');
  }
}
