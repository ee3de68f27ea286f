import { BlobDecryptionError, EncryptionKeyError } from '@modelguard/storage';
import type { Request, Response } from 'express';
import { ClientError } from '../domain/client-error';
import type { RefusalRecorder } from '../http/refusal-recorder';

/** Room for the listeners a streamed download answer legitimately carries (see guardDownloadIntegrity). */
const DOWNLOAD_RESPONSE_LISTENERS = 20;

/** DigestCheck's message (libs/packages zip-writer.ts): the bytes read from the store are not the manifest's. */
const DIGEST_MISMATCH = /does not match its manifest digest/;

/**
 * Why stored bytes cannot be served as the signed package, or null when the error is something else (a client that
 * went away, an infrastructure fault). Covers a plaintext blob whose re-hash fails and an encrypted blob whose
 * chunks or header fail authentication or name a key-encryption key this process does not hold.
 */
export function integrityFailureOf(error: unknown): string | null {
  if (error instanceof BlobDecryptionError || error instanceof EncryptionKeyError) return error.message;
  if (error instanceof Error && DIGEST_MISMATCH.test(error.message)) return error.message;
  return null;
}

/** The same answer the signed-manifest check gives (409, `integrity: failed`), so clients see one kind of refusal. */
export function integrityRefusal(reason: string): ClientError {
  return new ClientError(409, `download refused: stored content failed its integrity check (${reason.slice(0, 200)})`, {}, { integrity: 'failed' }, 'refused');
}

/**
 * Runs the streaming part of a download. An integrity failure before the first byte becomes the 409 refusal (the
 * exception filter answers and audits it). After the status line went out the answer cannot change any more: the
 * original error is rethrown so the filter cuts the connection (the client sees a truncated transfer, never a
 * complete package: DigestCheck holds back the last chunk, and the zip's central directory is never written), and
 * the refusal is handed to the security log here, through the same recorder, because the filter does not audit
 * an answer it could not give.
 */
export async function guardDownloadIntegrity(req: Request, res: Response, refusals: RefusalRecorder, stream: () => Promise<void>): Promise<void> {
  // Not a leak: a streamed answer carries a fixed set of 'close' listeners, 5 from the HTTP/Express instrumentation,
  // the drain tracker and the metrics middleware, then 6 from stream.pipeline() into it (its destroyer, pipe and
  // end-of-stream hooks). 11 is one past Node's default of 10, so every download printed MaxListenersExceededWarning
  // (traced with --trace-warnings under the concurrent-downloads benchmark, issue 13). Per response, not global.
  res.setMaxListeners(Math.max(res.getMaxListeners(), DOWNLOAD_RESPONSE_LISTENERS));
  try {
    await stream();
  } catch (error: unknown) {
    const reason = integrityFailureOf(error);
    if (reason === null) throw error;
    const refusal = integrityRefusal(reason);
    if (!res.headersSent) throw refusal;
    refusals.record(req as Parameters<RefusalRecorder['record']>[0], refusal.status, 'refused', refusal.message);
    throw error;
  }
}
