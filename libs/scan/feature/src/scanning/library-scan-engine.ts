import {
  closeSharedPool,
  configureScanPool,
  defaultScanOptions,
  type FileReport,
  optionsHash,
  type ScanOptions,
  type ScanPoolLimits,
  scanFile,
  scanInput,
  SCANNER_VERSION,
} from '@modelguard/scanner';
import { scanFingerprint } from '../domain/options-fingerprint';
import { relocateFindings } from './file-result';
import type { FileScanEngine } from './scan-engine.port';

export interface LibraryScanEngine extends FileScanEngine {
  /** Terminates the scanner's worker threads (service shutdown). */
  close(): Promise<void>;
}

/**
 * The production engine: `@modelguard/scanner`, whose worker-thread pool enforces each file's time and memory
 * budget. The pool is the scanner's process-wide one, sized here from the service's settings (`pool`); the
 * fingerprint covers the scanner version and every verdict-relevant option, so upgrading the scanner or changing
 * rules invalidates cached per-blob results.
 */
export function createLibraryScanEngine(options: ScanOptions = defaultScanOptions(), pool: Partial<ScanPoolLimits> = {}): LibraryScanEngine {
  configureScanPool(pool);
  return {
    version: SCANNER_VERSION,
    fingerprint: scanFingerprint(SCANNER_VERSION, optionsHash(options)),
    strict: options.strict,
    scanInput: (input) => scanInput(input, options),
    scanFile: async (file, displayPath): Promise<FileReport> => {
      // The library names the file it opened (our private temp copy); reports must name the package path.
      const report = await scanFile(file, options);
      return { ...report, path: displayPath, findings: relocateFindings(report.findings, file, displayPath) };
    },
    close: () => closeSharedPool(),
  };
}
