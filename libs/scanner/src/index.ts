/** Public API of the model-file security scanner (see README.md). */
export * from './core/types';
export { defaultScanOptions, optionsHash, parseByteSize } from './core/options';
export { computeVerdict, worstVerdict, summarize } from './core/verdict';
export { SCANNER_VERSION } from './core/version';
export { scanFile, scanPaths, scanInput, scanBuffer, scanStream, buildReport, type ScanProgress, type ReportCache } from './engine/scan-api';
export { configureScanPool, scanPoolLimits, closeSharedPool } from './engine/shared-scan-pool';
export { scanInputInProcess, BudgetExceededError } from './engine/scan-core';
export { ScanPool, DEFAULT_POOL_LIMITS, type ScanPoolLimits } from './engine/scan-pool';
export { scannersFor } from './engine/scanner-registry';
export { openFileInput, openBlockingFileInput, bufferInput, sliceInput, type ClosableInput } from './io/inputs';
export { classifyCallable, type CallableClass } from './pickle/callable-policy';
export { scanPickleStream } from './pickle/pickle-stream';
export { renderReport, OUTPUT_FORMATS, type OutputFormat } from './output/render';
export { RULE_DESCRIPTIONS } from './output/rule-catalog';
