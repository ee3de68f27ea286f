import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactIdSchema } from '../../common';

/** At most this many artifacts per event; a window that counted more is published as several events. */
export const SEARCH_APPEARANCES_MAX = 1000;

/**
 * How often each artifact appeared in the answers of the searches one gateway answered during a short window
 * (`from`..`to`, about 100 ms). Producer: gateway (GET /artifact/byName, POST /artifact/byRegEx, and POST /artifacts
 * for the queries that name an artifact: a `*` listing is not a search).
 * Consumer: gateway (search-appearance counters of the package-confusion audit).
 *
 * Replaces v1's one event per search. Popularity only ever added those up, and one event per search cost every
 * lookup its own outbox row, relay claim and consumer transaction, which in the embedded process was about 70 % of
 * a lookup's database work (bench/RESULTS.md). Counts per window keep the counters exact (each event is applied
 * once through the inbox) at one consumer transaction per window. Who searched is not carried: no consumer read it.
 */
export const ArtifactsSearchedV2 = z
  .object({
    appearances: z
      .array(z.object({ artifactId: ArtifactIdSchema, count: z.number().int().positive() }))
      .min(1)
      .max(SEARCH_APPEARANCES_MAX),
    from: z.string().datetime({ offset: true }),
    to: z.string().datetime({ offset: true }),
  })
  .refine((p) => new Set(p.appearances.map((a) => a.artifactId)).size === p.appearances.length, {
    message: 'each artifact appears once per event',
    path: ['appearances'],
  });
export type ArtifactsSearchedV2 = z.infer<typeof ArtifactsSearchedV2>;

export const ArtifactsSearchedV2Event = defineEvent({
  name: 'ArtifactsSearchedV2',
  topic: 'registry.artifacts-searched.v2',
  schema: ArtifactsSearchedV2,
  summary: 'search appearances per artifact over a short window',
  producers: ['gateway'],
  consumers: ['gateway'],
});
