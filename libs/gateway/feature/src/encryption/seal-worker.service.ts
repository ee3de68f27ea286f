import { bindJobStore, LeasedJobWorker, type LeasedJobPort } from '@modelguard/jobs';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { DATA_SOURCE } from '@modelguard/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SealJobProcessor } from './seal-job.processor';
import { type SealJob, SealJobStore } from './seal-job.store';
import { SEAL_SETTINGS, type SealSettings } from './seal-settings';

/** On stop, a pass gets this long to finish before it is cut at the next blob and handed over (sealing is idempotent). */
const SHUTDOWN_GRACE_MS = 2_000;
/** After cancelling, how long shutdown waits for the pass to notice (one blob's seal is not interruptible). */
const CANCEL_SETTLE_MS = 5_000;

function sealJobPort(dataSource: DataSource, processor: SealJobProcessor, logger: Logger): LeasedJobPort<SealJob> {
  return {
    ...bindJobStore(new SealJobStore(), dataSource),
    keyOf: (job) => job.id,
    describe: (job) => `sealing of ${job.artifactId}`,
    takenOverFrom: (job) => job.takenOverFrom,
    process: async (job, signal) => {
      const outcome = await processor.process(job, signal);
      if (outcome === 'lost') logger.warn(`seal job ${job.id} is no longer ours (lease taken over, or the model was deleted)`);
    },
  };
}

/**
 * The claim loop of the gateway's sealing worker (see LeasedJobWorker): the SensitivityChanged / ArtifactUpdated
 * handlers only record a seal job in their inbox transaction; this loop seals outside it. Stopped with the other
 * leased workers on SIGTERM (runtime/graceful-shutdown.ts finds it by type).
 */
@Injectable()
export class SealWorker extends LeasedJobWorker<SealJob> {
  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(SealJobProcessor) processor: SealJobProcessor,
    @Inject(SEAL_SETTINGS) settings: SealSettings,
    @Inject(SERVICE_LOGGER) serviceLogger: Logger,
  ) {
    const logger = serviceLogger.child({ context: 'SealWorker' });
    super(sealJobPort(dataSource, processor, logger), { ...settings, kind: 'seal', shutdownGraceMs: SHUTDOWN_GRACE_MS, cancelSettleMs: CANCEL_SETTLE_MS }, {
      log: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    });
  }
}
