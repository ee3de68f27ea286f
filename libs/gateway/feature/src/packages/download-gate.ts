import { ClientError } from '../domain/client-error';
import type { ArtifactVersionEntity } from '../persistence/artifact-version.entity';

export const INGEST_RETRY_AFTER_SECONDS = 10;
export const SCAN_RETRY_AFTER_SECONDS = 30;
export const RATING_RETRY_AFTER_SECONDS = 10;

/**
 * Decides whether a version may be downloaded. Returns a warning for content served despite findings (flagged, or
 * blocked with an admin override); throws 409 + Retry-After while ingest/scan is pending and 403 when blocked.
 */
export function checkDownloadGate(v: ArtifactVersionEntity): { warning: string | null } {
  if (v.ingestState === 'ingesting') {
    throw new ClientError(409, `version ${v.version} is still being ingested; retry later`, { 'Retry-After': String(INGEST_RETRY_AFTER_SECONDS) }, {}, 'gate-pending');
  }
  if (v.ingestState === 'failed') throw new ClientError(404, `version ${v.version} has no package: ingestion failed (${v.ingestError ?? 'unknown reason'})`);
  // The ingest gate (events/rating-gate.ts): a refused model is never served, not even with a scan override.
  if (v.ratingState === 'rejected') throw new ClientError(403, `download refused: version ${v.version} was rejected by the ingest gate (${v.ratingReason ?? 'disqualified rating'})`, {}, {}, 'rating-gate');
  if (v.ratingState === 'pending') {
    throw new ClientError(409, `version ${v.version} is waiting for its trust rating; retry later`, { 'Retry-After': String(RATING_RETRY_AFTER_SECONDS) }, {}, 'gate-pending');
  }
  switch (v.scanState) {
    case 'pending':
      throw new ClientError(409, `version ${v.version} is waiting for its security scan; retry later`, { 'Retry-After': String(SCAN_RETRY_AFTER_SECONDS) }, {}, 'gate-pending');
    case 'blocked':
      if (v.overrideBy !== null) return { warning: `blocked by scan (${v.scanReason ?? 'no reason'}) but released by admin ${v.overrideBy}: ${v.overrideReason ?? ''}` };
      throw new ClientError(403, `download blocked: ${v.scanReason ?? 'the security scan blocked this version'}`, {}, {}, 'scan-gate');
    case 'flagged':
      return { warning: v.scanReason ?? 'the security scan flagged this version' };
    case 'clean':
      return { warning: null };
  }
}
