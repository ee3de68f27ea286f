import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';
import { ArtifactIdSchema, ArtifactTypeSchema } from '../../common';
import { LINEAGE_RELATIONSHIPS, LINEAGE_SOURCES } from '../../events/lineage.lineage-changed/v1';

/** Deepest graph the query walks from the artifact, in each direction. */
export const LINEAGE_MAX_DEPTH = 10;

/** A node of the graph: an artifact of this registry (the spec's ArtifactLineageNode, plus its type and version). */
export const ArtifactLineageNodeV1 = z.object({
  artifact_id: ArtifactIdSchema,
  artifact_type: ArtifactTypeSchema,
  name: z.string().min(1).max(300),
  /**
   * How the node was discovered: for the queried artifact where its own lineage was read from (`config_json`,
   * `model_card`, `adapter_config`, `registration` when nothing was read); for the others the source of the edge
   * that reached it.
   */
  source: z.string().min(1).max(100),
  /** The version whose metadata the node's own edges were read from. */
  version: z.string().min(1).max(128),
  /** `repository_url` and, when known, the upstream `revision` (spec example: repository_url, sha). */
  metadata: z.record(z.string(), z.string().max(2048)),
});
export type ArtifactLineageNodeV1 = z.infer<typeof ArtifactLineageNodeV1>;

/** An edge upstream (parent) → downstream (child), with what relates them and where that was read. */
export const ArtifactLineageEdgeV1 = z.object({
  from_node_artifact_id: ArtifactIdSchema,
  to_node_artifact_id: ArtifactIdSchema,
  relationship: z.enum(LINEAGE_RELATIONSHIPS),
  source: z.enum(LINEAGE_SOURCES),
});
export type ArtifactLineageEdgeV1 = z.infer<typeof ArtifactLineageEdgeV1>;

/** A parent a node's metadata names that is not registered (yet), by its upstream id. */
export const PendingLineageEdgeV1 = z.object({
  upstream_id: z.string().min(1).max(300),
  to_node_artifact_id: ArtifactIdSchema,
  relationship: z.enum(LINEAGE_RELATIONSHIPS),
  source: z.enum(LINEAGE_SOURCES),
});

/** Something the lineage service could not use in the queried artifact's metadata, and why. */
export const LineageProblemV1 = z.object({
  source: z.enum(LINEAGE_SOURCES),
  message: z.string().min(1).max(500),
});
export type LineageProblemV1 = z.infer<typeof LineageProblemV1>;

/**
 * Whether the queried artifact's structured metadata could be read: `ok`; `partial` when one source was broken but
 * another was read; `unreadable` when none could be (no config.json, adapter config or card front matter, or only
 * broken ones): its lineage is then unknown, not empty.
 */
export const LINEAGE_METADATA_STATUSES = ['ok', 'partial', 'unreadable'] as const;

export const ArtifactLineageGraphV1 = z.object({
  artifact_id: ArtifactIdSchema,
  metadata_status: z.enum(LINEAGE_METADATA_STATUSES),
  problems: z.array(LineageProblemV1).max(100),
  nodes: z.array(ArtifactLineageNodeV1).max(10_000),
  edges: z.array(ArtifactLineageEdgeV1).max(50_000),
  /** Unregistered parents of the graph's nodes (scope `all` only; empty for `models`). */
  pending: z.array(PendingLineageEdgeV1).max(50_000),
  /** The walk stopped at the depth or node bound before the graph ended. */
  truncated: z.boolean(),
});
export type ArtifactLineageGraphV1 = z.infer<typeof ArtifactLineageGraphV1>;

/**
 * The lineage graph around an artifact: its ancestors and descendants. Scope `models` (the default; the spec's
 * `GET /artifact/model/{id}/lineage`) follows model → model edges only, to the whole family; scope `all` (the
 * extension's full graph) also follows datasets and code and lists the pending parents, to `depth` edges in each
 * direction. Server: lineage. Caller: gateway. 404 when the lineage service has not recorded the artifact.
 */
export const ArtifactLineageQuery = defineQuery({
  name: 'ArtifactLineage',
  summary: 'lineage graph of an artifact',
  server: 'lineage',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/artifacts/:id/lineage',
  request: z.object({
    id: ArtifactIdSchema,
    scope: z.enum(['models', 'all']).optional(),
    depth: z.number().int().min(1).max(LINEAGE_MAX_DEPTH).optional(),
  }),
  responses: { 200: ArtifactLineageGraphV1 },
  maxResponseBytes: 5 * 1024 * 1024,
});
