export { MiB, mibPerSecond, percentile, runPool, summarize } from './stats';
export type { LatencySummary } from './stats';
export { runDownloadWorkload } from './download-workload';
export type { DownloadWorkloadOptions, DownloadWorkloadResult, SecondBucket } from './download-workload';
