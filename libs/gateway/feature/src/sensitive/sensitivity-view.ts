import type { SensitiveModelEntity } from '../persistence/sensitive-model.entity';
import type { SensitiveDownloadEntity } from '../persistence/sensitive-download.entity';

/** Largest monitor program accepted (JavaScript source, UTF-8 bytes). */
export const MAX_PROGRAM_BYTES = 256 * 1024;

/** The extension spec's SensitivityState. */
export interface SensitivityView {
  artifact_id: string;
  sensitive: boolean;
  marked_by: string | null;
  program: { sha256: string; size: number; attached_by: string | null; updated_at: string } | null;
}

export function sensitivityView(artifactId: string, row: SensitiveModelEntity | null): SensitivityView {
  return {
    artifact_id: artifactId,
    sensitive: row !== null,
    marked_by: row?.markedBy ?? null,
    program:
      row?.programSha256 != null
        ? { sha256: row.programSha256, size: row.programSize ?? 0, attached_by: row.programBy, updated_at: row.updatedAt.toISOString() }
        : null,
  };
}

/** The extension spec's SensitiveDownload (one row of the download history). */
export interface SensitiveDownloadView {
  user: string;
  date: string;
  version: string;
  part: string;
  allowed: boolean;
  verdict: string;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number | null;
  program_sha256: string | null;
  stdout: string | null;
}

export function sensitiveDownloadView(row: SensitiveDownloadEntity): SensitiveDownloadView {
  return {
    user: row.actorName,
    date: row.attemptedAt.toISOString(),
    version: row.version,
    part: row.part,
    allowed: row.allowed,
    verdict: row.verdict,
    exit_code: row.exitCode,
    signal: row.signal,
    duration_ms: row.durationMs,
    program_sha256: row.programSha256,
    stdout: row.stdout,
  };
}
