import { isPackageError } from '@modelguard/packages';
import { BlobStoreError } from '@modelguard/storage';
import { isUpstreamError } from '@modelguard/egress';
import { InvalidUpstreamUrlError } from '../sources/upstream-url';

export interface ClassifiedFailure {
  /** True when retrying cannot help (bad URL, 404, hostile archive, over a limit): IngestFailed at once. */
  permanent: boolean;
  /** Human-readable, safe to show to the user who asked for the ingest. */
  reason: string;
}

const MAX_REASON = 1000;

/** Sorts ingest failures into "tell the user now" and "let the ingest worker retry with back-off". */
export function classifyFailure(error: unknown): ClassifiedFailure {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_REASON) || 'unknown error';
  if (error instanceof InvalidUpstreamUrlError) return { permanent: true, reason: `invalid URL: ${message}` };
  if (isUpstreamError(error)) {
    const prefix = error.kind === 'not-found' ? 'not found upstream' : `upstream ${error.kind}`;
    return { permanent: !error.retriable, reason: `${prefix}: ${message}` };
  }
  if (isPackageError(error)) return { permanent: true, reason: `package refused (${error.code}): ${message}` };
  // Blob input errors (integrity, too large) are about the content; infrastructure errors are transient.
  if (error instanceof BlobStoreError && error.status < 500) return { permanent: true, reason: `storage refused the content: ${message}` };
  return { permanent: false, reason: `internal error: ${message}` };
}
