import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { bindJobStore, LeasedJobWorker, type LeasedJobPort } from '@modelguard/jobs';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { type RatingJob, RatingJobStore } from '../persistence/rating-job.store';
import { RatingJobProcessor } from './rating-job.processor';
import { SCORING_SETTINGS, type ScoringSettings } from './scoring-settings';

function ratingJobPort(dataSource: DataSource, processor: RatingJobProcessor, logger: Logger): LeasedJobPort<RatingJob> {
  return {
    ...bindJobStore(new RatingJobStore(), dataSource),
    keyOf: (job) => job.id,
    describe: (job) => `rating of ${job.artifactId}@${job.version}`,
    process: async (job, signal) => {
      const outcome = await processor.process(job, signal);
      if (outcome === 'lost') logger.warn(`rating job ${job.id} is no longer ours (lease taken over, or registry reset); result discarded`);
    },
  };
}

/**
 * The claim loop of one scoring worker process (see LeasedJobWorker). A rating is short (pure metrics plus a
 * bounded upstream read), so on stop in-flight ratings get a moment to finish before they are handed over.
 */
@Injectable()
export class RatingWorker extends LeasedJobWorker<RatingJob> {
  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(RatingJobProcessor) processor: RatingJobProcessor,
    @Inject(SCORING_SETTINGS) settings: ScoringSettings,
    @Inject(SERVICE_LOGGER) serviceLogger: Logger,
  ) {
    const logger = serviceLogger.child({ context: 'RatingWorker' });
    super(ratingJobPort(dataSource, processor, logger), { ...settings, kind: 'rating', shutdownGraceMs: 2_000, cancelSettleMs: 5_000 }, {
      log: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    });
  }
}
