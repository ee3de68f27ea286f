import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { bindJobStore, LeasedJobWorker, type LeasedJobPort } from '@modelguard/jobs';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { type IngestJob, IngestJobStore } from '../persistence/ingest-job.store';
import { IngestJobProcessor } from './ingest-job.processor';
import { INGEST_SETTINGS, type IngestSettings } from './ingest-settings';

/** After cancelling, how long shutdown waits for the cancelled downloads to notice. */
const CANCEL_SETTLE_MS = 5_000;

/** Ingest jobs as the generic loop sees them: keyed by claim token, so a refreshed request is a new claim. */
function ingestJobPort(dataSource: DataSource, processor: IngestJobProcessor, logger: Logger): LeasedJobPort<IngestJob> {
  return {
    ...bindJobStore(new IngestJobStore(), dataSource),
    keyOf: (job) => job.claimToken,
    describe: (job) => `ingest of ${job.artifactId}@${job.version}`,
    process: async (job, signal) => {
      const outcome = await processor.process(job, signal);
      if (outcome === 'lost') logger.warn(`ingest of ${job.artifactId}@${job.version} is no longer ours (taken over, refreshed or reset); result discarded`);
    },
  };
}

/**
 * The claim loop of one ingest process (see LeasedJobWorker). On stop, in-flight downloads get
 * `shutdownGraceMs` to finish; the rest are cancelled and released to the other workers.
 */
@Injectable()
export class IngestWorker extends LeasedJobWorker<IngestJob> {
  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(IngestJobProcessor) processor: IngestJobProcessor,
    @Inject(INGEST_SETTINGS) settings: IngestSettings,
    @Inject(SERVICE_LOGGER) serviceLogger: Logger,
  ) {
    const logger = serviceLogger.child({ context: 'IngestWorker' });
    super(ingestJobPort(dataSource, processor, logger), { ...settings, kind: 'ingest', cancelSettleMs: CANCEL_SETTLE_MS }, { log: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) });
  }
}
