import type { FileReport, ScanInput } from '@modelguard/scanner';

/**
 * The scanner as the worker sees it: one file in, one report out. The adapter over `@modelguard/scanner`
 * implements it; tests can substitute a deterministic engine.
 */
export interface FileScanEngine {
  /** Scanner version, part of the cache key. */
  readonly version: string;
  /** Hash of version + options: per-file results are reused only under the same fingerprint. */
  readonly fingerprint: string;
  /** The scanner's strict mode (warnings block): a verdict recomputed after the scanner policy uses the same rule. */
  readonly strict?: boolean;
  /** Random-access scan (large blobs read through ranged GETs). */
  scanInput(input: ScanInput): Promise<FileReport>;
  /** Scan a local file (small blobs spooled to disk); the report must carry `displayPath`. */
  scanFile(file: string, displayPath: string): Promise<FileReport>;
}

export const FILE_SCAN_ENGINE = Symbol('FILE_SCAN_ENGINE');
