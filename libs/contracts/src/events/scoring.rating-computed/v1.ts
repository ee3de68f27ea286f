import { RATING_METRICS } from '@modelguard/domain';
import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema } from '../../common';
import { ModelRatingV1 } from '../../model-rating';

export const RatingMetricSchema = z.enum(RATING_METRICS);

/** One line per metric saying why it has its score; bounded so a long reason cannot bloat the event. */
export const RATING_REASON_MAX_CHARS = 1_000;

/**
 * A model version was rated: every metric of the spec's ModelRating, why each has its score, and which metrics
 * fell back to their documented value because their evidence did not exist. Producer: scoring. Consumer: gateway
 * (the read model `GET /artifact/model/{id}/rate` answers from). A later rating of the same version (re-rated
 * when its lineage changes) replaces the earlier one: readers keep the one with the latest `computedAt`.
 */
/**
 * The ingest gate's verdict on the rating (scoring README, "The ingest gate"): every non-latency metric ≥ 0.5
 * except the exempt ones. The gateway applies it to models fetched from Hugging Face (the spec's 424).
 */
export const IngestGateVerdictV1 = z.object({
  passed: z.boolean(),
  failures: z.array(z.object({ metric: RatingMetricSchema, value: z.number(), threshold: z.number() })).max(RATING_METRICS.length),
  exempt: z.array(RatingMetricSchema).max(RATING_METRICS.length),
});
export type IngestGateVerdictV1 = z.infer<typeof IngestGateVerdictV1>;

export const RatingComputedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  rating: ModelRatingV1,
  reasons: z.record(RatingMetricSchema, z.string().max(RATING_REASON_MAX_CHARS)),
  fallbacks: z.array(RatingMetricSchema).max(RATING_METRICS.length),
  computedAt: z.string().datetime({ offset: true }),
  /** Added within v1 (optional, so earlier payloads still parse): absent means no verdict, never "passed". */
  gate: IngestGateVerdictV1.optional(),
});
export type RatingComputedV1 = z.infer<typeof RatingComputedV1>;

export const RatingComputedEvent = defineEvent({
  name: 'RatingComputed',
  topic: 'scoring.rating-computed.v1',
  schema: RatingComputedV1,
  summary: 'a model version was rated (every ModelRating metric)',
  producers: ['scoring'],
  consumers: ['gateway'],
});
