import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';
import { ArtifactIdSchema } from '../../common';

/** The spec's ArtifactLineageNode: an artifact of this registry or an external dependency. */
export const ArtifactLineageNodeV1 = z.object({
  artifact_id: ArtifactIdSchema,
  name: z.string().max(300).optional(),
  /** How the node was discovered (`config_json`, `model_card`, `adapter_config`, …). */
  source: z.string().max(100).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** The spec's ArtifactLineageEdge, upstream → downstream. */
export const ArtifactLineageEdgeV1 = z.object({
  from_node_artifact_id: ArtifactIdSchema,
  to_node_artifact_id: ArtifactIdSchema,
  /** `base_model`, `fine_tuning_dataset`, … */
  relationship: z.string().min(1).max(100),
});

/** The spec's ArtifactLineageGraph. */
export const ArtifactLineageGraphV1 = z.object({
  nodes: z.array(ArtifactLineageNodeV1).max(10_000),
  edges: z.array(ArtifactLineageEdgeV1).max(50_000),
});
export type ArtifactLineageGraphV1 = z.infer<typeof ArtifactLineageGraphV1>;

/**
 * The lineage graph of a model. Server: lineage. Caller: gateway (`GET /artifact/model/{id}/lineage`), once the
 * lineage service lands.
 */
export const ArtifactLineageQuery = defineQuery({
  name: 'ArtifactLineage',
  summary: 'lineage graph of a model',
  server: 'lineage',
  callers: ['gateway'],
  status: 'planned',
  method: 'GET',
  path: '/internal/artifacts/:id/lineage',
  request: z.object({ id: ArtifactIdSchema }),
  responses: { 200: ArtifactLineageGraphV1 },
  maxResponseBytes: 5 * 1024 * 1024,
});
