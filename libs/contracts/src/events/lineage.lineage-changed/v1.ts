import { ARTIFACT_TYPES } from '@modelguard/domain';
import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactIdSchema, ArtifactRefSchema } from '../../common';

/** How a parent relates to its child: the Hub's base-model relations, plus the companions a model was registered with. */
export const LINEAGE_RELATIONSHIPS = ['base_model', 'finetune', 'adapter', 'quantized', 'merge', 'fine_tuning_dataset', 'code'] as const;
export type LineageRelationship = (typeof LINEAGE_RELATIONSHIPS)[number];

/** Where an edge was read from. */
export const LINEAGE_SOURCES = ['config_json', 'adapter_config', 'model_card', 'upstream_metadata', 'registration'] as const;

/** A registered parent of the artifact (an edge parent → child of the graph). */
export const LineageParentV1 = z.object({
  artifactId: ArtifactIdSchema,
  artifactType: z.enum(ARTIFACT_TYPES),
  name: z.string().min(1).max(300),
  relationship: z.enum(LINEAGE_RELATIONSHIPS),
  source: z.enum(LINEAGE_SOURCES),
});
export type LineageParentV1 = z.infer<typeof LineageParentV1>;

/** A parent named by the metadata that is not registered (yet): kept by its upstream id until it arrives. */
export const PendingParentV1 = z.object({
  upstreamId: z.string().min(1).max(300),
  relationship: z.enum(LINEAGE_RELATIONSHIPS),
  source: z.enum(LINEAGE_SOURCES),
});

/**
 * The direct parents of an artifact changed: its package was stored (edges read from its metadata), a pending parent
 * was registered and resolved, or a parent was deleted. Carries the complete current list of registered parents
 * (not a delta), so a consumer replaces what it knew and a redelivery converges. Producer: lineage. Consumer:
 * scoring (recomputes the child's tree_score and net_score). Keyed by the child's artifact id.
 */
export const LineageChangedV1 = ArtifactRefSchema.extend({
  /** The child's version whose metadata the edges were read from. */
  version: z.string().min(1),
  parents: z.array(LineageParentV1).max(1_000),
  /** Parents named but not registered; bounded (a config naming 10,000 parents is cut, with `pendingTruncated`). */
  pending: z.array(PendingParentV1).max(200),
  pendingTruncated: z.boolean().default(false),
  changedAt: z.string().datetime({ offset: true }),
});
export type LineageChangedV1 = z.infer<typeof LineageChangedV1>;

export const LineageChangedEvent = defineEvent({
  name: 'LineageChanged',
  topic: 'lineage.lineage-changed.v1',
  schema: LineageChangedV1,
  summary: "an artifact's registered lineage parents changed",
  producers: ['lineage'],
  consumers: ['scoring'],
});
