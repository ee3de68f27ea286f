import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { RATING_REASON_MAX_CHARS, Topic } from '@modelguard/contracts';
import { backoffDelay } from '@modelguard/jobs';
import { Outbox } from '@modelguard/messaging';
import { DATA_SOURCE, runInTransaction } from '@modelguard/persistence';
import { BlobStore } from '@modelguard/storage';
import type { DataSource, EntityManager } from 'typeorm';
import { LineageParentStore } from '../persistence/lineage-parent.store';
import { ModelRatingStore } from '../persistence/model-rating.store';
import { RatingJobStore, type RatingJob } from '../persistence/rating-job.store';
import { type ComputeRatingOptions, computeRating } from '../rating/compute-rating';
import { RATING_OPTIONS } from '../llm/rating-options.provider';
import { ingestGate } from '../rating/ingest-gate';
import type { ComputedRating } from '../rating/rating-evidence';
import { type AssembledEvidence, EvidenceAssembler, GITHUB_EVIDENCE_SOURCE, type GithubEvidenceSource } from './evidence-assembler';
import { PackageReadmeReader } from './package-readme.reader';
import { SCORING_SETTINGS, type ScoringSettings } from './scoring-settings';

export type RatingOutcome = 'rated' | 'failed' | 'retry' | 'lost' | 'aborted';

/** A parent's net_score must move at least this much for its children to be rated again. */
const NET_SCORE_CHANGE_TO_PROPAGATE = 0.01;

/** 1 s before the second attempt, doubling; maxAttempts bounds how far it grows. */
const JOB_RETRY_BACKOFF = { initialMs: 1_000 };

/** The contract bounds each reason; a metric that explains itself at length is cut, not refused. */
const boundedReasons = (reasons: ComputedRating['reasons']): ComputedRating['reasons'] =>
  Object.fromEntries(Object.entries(reasons).map(([metric, reason]) => [metric, reason.slice(0, RATING_REASON_MAX_CHARS)])) as ComputedRating['reasons'];

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500) || 'unknown error';

/**
 * Rates one claimed model version: gathers the evidence and computes every metric outside any transaction, then
 * stores the rating and enqueues RatingComputed in one short transaction, only while this worker still owns the
 * job (a worker that lost its lease never publishes a second, competing rating).
 */
@Injectable()
export class RatingJobProcessor {
  private readonly logger: Logger;
  private readonly jobs = new RatingJobStore();
  private readonly ratings = new ModelRatingStore();
  private readonly lineage = new LineageParentStore();
  private readonly assembler: EvidenceAssembler;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(SCORING_SETTINGS) private readonly settings: ScoringSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(GITHUB_EVIDENCE_SOURCE) github: GithubEvidenceSource,
    @Inject(BlobStore) blobs: BlobStore,
    // The card analyser (the LLM one when LLM_BASE_URL is set) and the metric deadline that goes with it.
    @Inject(RATING_OPTIONS) private readonly ratingOptions: ComputeRatingOptions,
  ) {
    this.logger = logger.child({ context: 'RatingJobProcessor' });
    this.assembler = new EvidenceAssembler(github, new PackageReadmeReader(blobs), settings.evidenceTimeoutMs);
  }

  async process(job: RatingJob, signal: AbortSignal): Promise<RatingOutcome> {
    try {
      const assembled = await this.assembler.assemble(this.dataSource.manager, job.artifactId, job.version, signal);
      if (signal.aborted) return 'aborted';
      // The version's record goes with a delete or reset, and the job with it: nothing left to rate.
      if (assembled === null) return await this.fail(job, `${job.artifactId}@${job.version} is no longer recorded`);
      const computed = await computeRating(assembled.evidence, this.ratingOptions);
      return await this.complete(job, assembled, computed);
    } catch (error) {
      if (signal.aborted) return 'aborted';
      if (job.attempts >= this.settings.maxAttempts) return this.fail(job, `rating failed after ${job.attempts} attempts: ${reasonOf(error)}`);
      this.logger.warn(`rating of ${job.artifactId}@${job.version} failed (attempt ${job.attempts}), retrying: ${reasonOf(error)}`);
      await this.jobs.retryLater(this.dataSource.manager, job.id, this.settings.workerId, reasonOf(error), backoffDelay(JOB_RETRY_BACKOFF, job.attempts));
      return 'retry';
    }
  }

  private async complete(job: RatingJob, assembled: AssembledEvidence, computed: ComputedRating): Promise<RatingOutcome> {
    const { evidence } = assembled;
    const computedAt = new Date();
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await this.jobs.finish(manager, job.id, this.settings.workerId, 'done'))) return 'lost';
      const previous = await this.ratings.find(manager, job.artifactId, job.version);
      await this.ratings.upsert(manager, {
        artifactId: job.artifactId,
        version: job.version,
        name: evidence.artifact.name,
        rating: computed.rating,
        reasons: computed.reasons,
        fallbacks: computed.fallbacks,
        linkedCodeId: assembled.linkedCodeId,
        linkedDatasetId: assembled.linkedDatasetId,
        jobId: job.id,
        computedAt,
      });
      await this.outbox.enqueue(
        manager,
        Topic.RatingComputed,
        {
          artifactId: job.artifactId,
          artifactType: evidence.artifact.type,
          name: evidence.artifact.name,
          version: job.version,
          rating: computed.rating,
          reasons: boundedReasons(computed.reasons),
          fallbacks: computed.fallbacks,
          computedAt: computedAt.toISOString(),
          gate: ingestGate(computed, evidence),
        },
        { key: job.artifactId, causationId: job.causationId, correlationId: job.correlationId },
      );
      if (previous === null || Math.abs(previous.rating.net_score - computed.rating.net_score) >= NET_SCORE_CHANGE_TO_PROPAGATE) {
        await this.rerateChildren(manager, job);
      }
      this.logger.info(`rated ${job.artifactId}@${job.version}: net_score ${computed.rating.net_score} (fallbacks: ${computed.fallbacks.join(', ') || 'none'})`);
      return 'rated' as const;
    });
  }

  /**
   * A model's net_score is its children's tree_score input: they are rated again, in this same transaction (so the
   * request cannot be lost). The threshold stops the ripple: tree_score weighs 0.05 in net_score, so a change shrinks
   * twentyfold per generation and even a cycle (which the lineage service refuses anyway) settles at once.
   */
  private async rerateChildren(manager: EntityManager, job: RatingJob): Promise<void> {
    for (const child of await this.lineage.childrenOf(manager, job.artifactId)) {
      if (child.childId === job.artifactId) continue;
      await this.jobs.requestRerating(
        manager,
        { artifactId: child.childId, version: child.version, causationId: job.causationId, correlationId: job.correlationId },
        this.settings.workerId,
        this.settings.leaseMs,
      );
    }
  }

  /** No event: the gateway keeps answering 404 for the version, and the job row records why. */
  private async fail(job: RatingJob, reason: string): Promise<RatingOutcome> {
    const finished = await this.jobs.finish(this.dataSource.manager, job.id, this.settings.workerId, 'failed', reason);
    if (!finished) return 'lost';
    this.logger.warn(`rating of ${job.artifactId}@${job.version} failed: ${reason}`);
    return 'failed';
  }
}
