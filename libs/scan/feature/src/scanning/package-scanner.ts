import type { ManifestEntry } from '@modelguard/contracts';
import { backoffDelay } from '@modelguard/jobs';
import type { FileReport, ScanInput } from '@modelguard/scanner';
import { createBlobScanInput } from '../blob/blob-scan-input';
import { BlobOversizeError, BlobReadError, type BlobSource } from '../blob/blob-source';
import { spoolBlob } from '../blob/blob-spool';
import { type CachedFileScan, type FileResult, relocateFindings, unscannableResult } from './file-result';
import type { FileScanEngine } from './scan-engine.port';

/** Per-file results keyed by SHA-256, scoped to one scanner fingerprint. */
export interface FileScanCache {
  lookup(sha256s: string[], fingerprint: string): Promise<Map<string, CachedFileScan>>;
  save(sha256: string, fingerprint: string, scan: CachedFileScan): Promise<void>;
}

export interface PackageScannerOptions {
  /** Blobs up to this size are spooled to a temp file (scanned in the library's worker threads). */
  spoolMaxBytes: number;
  /** Attempts per blob read failure before the package scan fails (ScanFailed). */
  blobAttempts: number;
  /** Delay before the first retry; doubles after each. */
  blobRetryDelayMs: number;
  tempDir?: string;
}

/** The whole package could not be scanned: some blob stayed missing or unreadable after retries. */
export class PackageScanError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'PackageScanError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scans every file of a package version: reuses cached results for known blobs, spools small blobs to
 * disk, reads large ones through ranged GETs. Files are scanned one after another on purpose: the unit of
 * parallelism is the job (SCAN_CONCURRENCY), and each file scan already has its own worker thread budget.
 */
export class PackageScanner {
  constructor(
    private readonly blobs: BlobSource,
    private readonly engine: FileScanEngine,
    private readonly cache: FileScanCache,
    private readonly options: PackageScannerOptions,
  ) {}

  async scan(files: ManifestEntry[], signal?: AbortSignal): Promise<FileResult[]> {
    const fingerprint = this.engine.fingerprint;
    const known = await this.cache.lookup([...new Set(files.map((f) => f.sha256))], fingerprint);
    const results: FileResult[] = [];
    for (const file of files) {
      if (signal?.aborted) throw new PackageScanError('scan aborted (lease lost or shutting down)');
      const hit = known.get(file.sha256);
      if (hit) {
        results.push({ ...hit, path: file.path, sha256: file.sha256, size: file.size, durationMs: 0, cached: true, findings: relocateFindings(hit.findings, '', file.path) });
        continue;
      }
      const result = await this.scanWithRetries(file);
      results.push(result);
      // Unscannable results are not cached: timeouts depend on machine load and integrity failures on the
      // stored bytes, neither is a property of the content the SHA-256 names.
      if (result.verdict !== 'unscannable') {
        const cached: CachedFileScan = { format: result.format, verdict: result.verdict, findings: relocateFindings(result.findings, file.path, '') };
        await this.cache.save(file.sha256, fingerprint, cached);
        known.set(file.sha256, cached);
      }
    }
    return results;
  }

  private async scanWithRetries(file: ManifestEntry): Promise<FileResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.scanOne(file);
      } catch (error) {
        if (error instanceof BlobOversizeError) {
          return unscannableResult(file.path, file.sha256, file.size, 'blob-integrity', 'stored bytes are larger than the manifest declares');
        }
        if (!(error instanceof BlobReadError)) throw error;
        if (attempt >= this.options.blobAttempts) {
          throw new PackageScanError(`file ${file.path} (blob ${file.sha256}) is missing or unreadable after ${attempt} attempts`, error);
        }
        await sleep(backoffDelay({ initialMs: this.options.blobRetryDelayMs }, attempt));
      }
    }
  }

  private async scanOne(file: ManifestEntry): Promise<FileResult> {
    if (file.size <= this.options.spoolMaxBytes) return this.scanSpooled(file);
    // The scanner swallows read errors into an `unscannable` verdict; remember them so a flaky or missing
    // blob is retried (and finally reported as ScanFailed) instead of being judged as content.
    let readFailure: BlobReadError | undefined;
    const raw = createBlobScanInput(this.blobs, { sha256: file.sha256, path: file.path, size: file.size });
    const input: ScanInput = {
      path: raw.path,
      size: raw.size,
      read: (offset, length) =>
        raw.read(offset, length).catch((error: unknown) => {
          if (error instanceof BlobReadError) readFailure = error;
          throw error;
        }),
      stream: (start, end) => raw.stream(start, end).on('error', (error) => {
        if (error instanceof BlobReadError) readFailure = error;
      }),
    };
    const report = await this.engine.scanInput(input);
    if (readFailure) throw readFailure;
    return this.toResult(file, report, file.path);
  }

  private async scanSpooled(file: ManifestEntry): Promise<FileResult> {
    const spooled = await spoolBlob(this.blobs, file.sha256, file.size, this.options.tempDir);
    try {
      if (spooled.observedSize !== file.size || spooled.observedSha256 !== file.sha256) {
        return unscannableResult(
          file.path,
          file.sha256,
          file.size,
          'blob-integrity',
          `stored bytes do not match the manifest (sha256 ${spooled.observedSha256}, ${spooled.observedSize} bytes)`,
        );
      }
      const report = await this.engine.scanFile(spooled.file, file.path);
      return this.toResult(file, report, report.path);
    } finally {
      await spooled.dispose();
    }
  }

  private toResult(file: ManifestEntry, report: FileReport, reportedPath: string): FileResult {
    return {
      path: file.path,
      sha256: file.sha256,
      size: file.size,
      format: report.format,
      verdict: report.verdict,
      findings: relocateFindings(report.findings, reportedPath, file.path),
      durationMs: report.durationMs,
      cached: false,
    };
  }
}
