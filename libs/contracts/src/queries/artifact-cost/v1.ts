import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';
import { ArtifactIdSchema, ArtifactTypeSchema } from '../../common';

/** One artifact of the dependency closure with its download size, alone and with its own closure. */
export const ClosureEntryV1 = z.object({
  artifact_id: ArtifactIdSchema,
  artifact_type: ArtifactTypeSchema,
  name: z.string().min(1).max(300),
  version: z.string().min(1).max(128),
  /** Bytes of the artifact's latest stored package. */
  standalone_bytes: z.number().int().nonnegative(),
  /** Bytes of the artifact and every artifact it depends on, each counted once. */
  total_bytes: z.number().int().nonnegative(),
});
export type ClosureEntryV1 = z.infer<typeof ClosureEntryV1>;

export const ArtifactCostV1 = z.object({
  artifact_id: ArtifactIdSchema,
  /** The artifact first, then each dependency once (registered lineage parents, linked datasets and code, transitively). */
  artifacts: z.array(ClosureEntryV1).min(1).max(10_000),
  /** The closure is larger than the walk's bound: the totals are incomplete (the caller must not present them as exact). */
  truncated: z.boolean(),
});
export type ArtifactCostV1 = z.infer<typeof ArtifactCostV1>;

/**
 * The download cost of an artifact with its dependencies (the spec's `GET /artifact/{type}/{id}/cost?dependency=true`).
 * Server: lineage, which knows every stored package's size and every registered dependency. Caller: gateway.
 * 404 when the lineage service has not recorded the artifact.
 */
export const ArtifactCostQuery = defineQuery({
  name: 'ArtifactCost',
  summary: 'download size of an artifact and its dependency closure',
  server: 'lineage',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/artifacts/:id/cost',
  request: z.object({ id: ArtifactIdSchema }),
  responses: { 200: ArtifactCostV1 },
  maxResponseBytes: 5 * 1024 * 1024,
});
