import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactIdSchema } from '../../common';

/** At most this many artifact ids per event: one search page (POST /artifacts pages by 100). */
export const SEARCHED_IDS_MAX = 100;

/**
 * A search answered with at least one artifact. Superseded by v2 (counts per window). Producer (until v2): gateway (POST /artifacts, GET /artifact/byName,
 * POST /artifact/byRegEx). Consumer: gateway (search-appearance counters of the package-confusion audit).
 * `artifactIds` is the answer's first page (bounded), `total` how many the answer held.
 */
export const ArtifactsSearchedV1 = z.object({
  query: z.enum(['enumerate', 'byName', 'byRegEx']),
  artifactIds: z.array(ArtifactIdSchema).min(1).max(SEARCHED_IDS_MAX),
  total: z.number().int().positive(),
  actor: ActorSchema,
  clientAddress: z.string().min(1).max(128).optional(),
  searchedAt: z.string().datetime({ offset: true }),
});
export type ArtifactsSearchedV1 = z.infer<typeof ArtifactsSearchedV1>;

export const ArtifactsSearchedEvent = defineEvent({
  name: 'ArtifactsSearched',
  topic: 'registry.artifacts-searched.v1',
  schema: ArtifactsSearchedV1,
  summary: 'a search answered with these artifacts (superseded by v2: no longer produced, still consumed)',
  // Superseded by per-window counts; the popularity consumer drains what was published before the upgrade.
  supersededBy: 'registry.artifacts-searched.v2',
  producers: [],
  consumers: ['gateway'],
});
