import { Inject, Injectable, Optional } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER, SERVICE_METRICS, type ServiceMetrics } from '@modelguard/observability';
import { bindJobStore, LeasedJobWorker, type LeasedJobPort } from '@modelguard/jobs';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { type ScanJob, ScanJobStore } from '../persistence/scan-job.store';
import { ScanJobProcessor } from './scan-job.processor';
import { scanMetrics, type ScanMetricsRecorder } from './scan-metrics';
import { SCAN_SETTINGS, type ScanSettings } from './scan-settings';

/** Scan jobs as the generic loop sees them: keyed by job id, processed by the ScanJobProcessor. */
function scanJobPort(dataSource: DataSource, processor: ScanJobProcessor, logger: Logger, metrics: ScanMetricsRecorder): LeasedJobPort<ScanJob> {
  return {
    ...bindJobStore(new ScanJobStore(), dataSource),
    keyOf: (job) => job.id,
    describe: (job) => `job ${job.id}`,
    takenOverFrom: (job) => job.takenOverFrom,
    process: async (job, signal) => {
      const started = process.hrtime.bigint();
      const outcome = await processor.process(job, signal);
      metrics.observe(outcome, Number(process.hrtime.bigint() - started) / 1e9);
      if (outcome === 'lost') logger.warn(`job ${job.id} is no longer ours (lease taken over, or registry reset); result discarded`);
    },
  };
}

/**
 * The claim loop of one scan worker process (see LeasedJobWorker). On stop it interrupts scans between files
 * at once (no grace period) and waits for them before handing unfinished jobs to the other workers.
 */
@Injectable()
export class ScanWorker extends LeasedJobWorker<ScanJob> {
  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(ScanJobProcessor) processor: ScanJobProcessor,
    @Inject(SCAN_SETTINGS) settings: ScanSettings,
    @Inject(SERVICE_LOGGER) serviceLogger: Logger,
    @Optional() @Inject(SERVICE_METRICS) metrics?: ServiceMetrics,
  ) {
    const logger = serviceLogger.child({ context: 'ScanWorker' });
    super(scanJobPort(dataSource, processor, logger, scanMetrics(metrics, dataSource)), { ...settings, kind: 'scan', shutdownGraceMs: 0, cancelSettleMs: Infinity }, { log: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) });
  }
}
