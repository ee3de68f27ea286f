export { LeasedJobWorker } from './leased-job-worker';
export type { JobLogger, LeasedJobPort, LeasedJobWorkerOptions } from './leased-job.port';
export { type LeasedJobStore, type JobDatabase, bindJobStore } from './leased-job.store';
export {
  type LeasedWorkerSettings,
  envInt,
  envWorkerId,
  parseSettingsEnv,
  uniqueWorkerId,
  heartbeatIntervalFor,
} from './worker-settings';
export { returnedRows, leaseFromNow } from './job-sql';
export { leaseQueries } from './lease-queries';
export { type Backoff, backoffDelay } from './backoff';
