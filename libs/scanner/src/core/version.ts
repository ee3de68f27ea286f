/** Reported in ScanReport.tool.version and `modelguard --version`; bump with rule or format changes. */
export const SCANNER_VERSION = '0.1.0';
