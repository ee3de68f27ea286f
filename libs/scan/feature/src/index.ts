export { ScanServiceModule, type ScanServiceOptions } from './scan-service.module';
export { SCAN_MIGRATIONS, CreateScanTables1764300000000 } from './persistence/create-scan-tables.migration';
export { ScanWorker } from './worker/scan-worker.service';
export { SCAN_SETTINGS, scanSettingsFrom, scanSettingsFromEnv, defaultWorkerId, type ScanSettings } from './worker/scan-settings';
export { FILE_SCAN_ENGINE, type FileScanEngine } from './scanning/scan-engine.port';
export { createLibraryScanEngine } from './scanning/library-scan-engine';
export type { FileResult } from './scanning/file-result';
export type { ScanReportView } from './persistence/scan-report.store';
export { toRegistryVerdict, worstVerdict, type FindingCounts } from './domain/verdict';
