import { Inject, Injectable } from '@nestjs/common';
import { type Envelope, type LineageChangedV1, matchKeysOf, type PackageMetadata, Topic } from '@modelguard/contracts';
import type { ArtifactRef } from '@modelguard/domain';
import { Outbox } from '@modelguard/messaging';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import type { EntityManager } from 'typeorm';
import { readLineageDeclarations, type ReadProblem } from '../declarations/lineage-declarations';
import { modelKeysOf } from '../declarations/upstream-reference';
import { LineageArtifactStore } from '../persistence/lineage-artifact.store';
import { type LineageEdge, LineageGraphStore } from '../persistence/lineage-graph.store';
import { ParentResolver } from './parent-resolver';

/**
 * Graph writes are serialised: a cycle check reads the graph another transaction may be changing (two models
 * naming each other, stored at the same moment on different partitions, must not both win). Held until commit.
 */
const GRAPH_LOCK = `SELECT pg_advisory_xact_lock(hashtext('modelguard:lineage-graph'))`;
/** The LineageChanged contract's bound on pending parents. */
const MAX_PENDING_IN_EVENT = 200;

/** A stored package version as lineage reads it. */
export interface StoredVersion {
  ref: ArtifactRef;
  version: string;
  url: string;
  totalBytes: number;
  hasContent: boolean;
  metadata: PackageMetadata;
  /** Problems met while reading the package's files (uploads). */
  problems: ReadProblem[];
}

const edgeKey = (e: Pick<LineageEdge, 'parentId' | 'relationship' | 'source'>) => `${e.parentId}|${e.relationship}|${e.source}`;
const sameEdges = (a: readonly Pick<LineageEdge, 'parentId' | 'relationship' | 'source'>[], b: typeof a) =>
  a.length === b.length && a.map(edgeKey).sort().join('\n') === b.map(edgeKey).sort().join('\n');

/** Hugging Face page of an ingested repo, for the node's `repository_url`. */
function repositoryUrlOf(metadata: PackageMetadata, url: string): string {
  const repo = metadata.upstream?.repo;
  if (repo && metadata.upstream?.kind) return `https://huggingface.co/${metadata.upstream.kind === 'dataset' ? 'datasets/' : ''}${repo}`;
  return url;
}

/**
 * Keeps the lineage graph: records each stored version with the parents its metadata names, resolves them against
 * the registry (ParentResolver), re-resolves the models a new or deleted artifact concerns, and publishes
 * LineageChanged whenever a model's registered parents change (and for every new version of a model). Runs inside
 * the handler's inbox transaction, so the graph and the events commit together.
 */
@Injectable()
export class LineageGraphService {
  private readonly artifacts = new LineageArtifactStore();
  private readonly graph = new LineageGraphStore();
  private readonly resolver = new ParentResolver();
  private readonly logger: Logger;

  constructor(
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'LineageGraphService' });
  }

  async recordStored(m: EntityManager, stored: StoredVersion, cause: Envelope): Promise<void> {
    const { ref, metadata } = stored;
    const identity = metadata.upstream?.repo ?? ref.name;
    const declarations = readLineageDeclarations({ type: ref.artifactType, identity, hasContent: stored.hasContent }, metadata, stored.problems);
    const keys = ref.artifactType === 'model' ? modelKeysOf([identity]) : matchKeysOf({ type: ref.artifactType, name: ref.name, url: stored.url, metadata });
    await m.query(GRAPH_LOCK);
    const { previousVersion } = await this.artifacts.record(m, {
      artifactId: ref.artifactId,
      type: ref.artifactType,
      name: ref.name,
      version: stored.version,
      url: stored.url,
      repositoryUrl: repositoryUrlOf(metadata, stored.url),
      revision: metadata.upstream?.revision ?? null,
      totalBytes: stored.totalBytes,
      keys,
      codeKeys: declarations.codeKeys,
      lineageSource: declarations.lineageSource,
      metadataStatus: declarations.status,
      problems: declarations.problems,
      refsTruncated: declarations.truncated,
    });
    if (declarations.problems.length > 0) {
      this.logger.info(`lineage metadata of ${ref.artifactId}@${stored.version} (${declarations.status})`, { problems: declarations.problems.map((p) => `${p.source}: ${p.message}`) });
    }
    if (ref.artifactType === 'model') {
      await this.graph.replaceRefs(m, ref.artifactId, declarations.parents);
      const changed = await this.rebuild(m, ref.artifactId);
      if (changed || previousVersion !== stored.version) await this.publish(m, ref.artifactId, cause);
    }
    // Models waiting for this artifact, linked to it, or mentioning it as their code.
    const affected = new Set([
      ...(await this.graph.childrenNaming(m, keys)),
      ...(await this.graph.childrenOf(m, ref.artifactId)),
      ...(ref.artifactType === 'code' ? await this.artifacts.modelsMentioningCode(m, keys) : []),
    ]);
    affected.delete(ref.artifactId);
    await this.rebuildAndPublish(m, affected, cause);
  }

  /** The artifact is gone: its children's references to it become pending again (or link to another match). */
  async recordDeleted(m: EntityManager, artifactId: string, cause: Envelope): Promise<void> {
    await m.query(GRAPH_LOCK);
    // The children's edges as they were: the delete cascades to the edges, and the change must still be seen.
    const before = new Map<string, LineageEdge[]>();
    for (const child of await this.graph.childrenOf(m, artifactId)) before.set(child, await this.graph.parentsOf(m, child));
    await this.artifacts.delete(m, artifactId);
    for (const [childId, edges] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
      if (await this.rebuild(m, childId, edges)) await this.publish(m, childId, cause);
    }
  }

  async reset(m: EntityManager): Promise<void> {
    await m.query(GRAPH_LOCK);
    await this.artifacts.deleteAll(m);
  }

  private async rebuildAndPublish(m: EntityManager, childIds: ReadonlySet<string>, cause: Envelope): Promise<void> {
    for (const childId of [...childIds].sort()) if (await this.rebuild(m, childId)) await this.publish(m, childId, cause);
  }

  /** Re-resolves one model's parents; true when its registered parents changed (from `before`, default as stored). */
  private async rebuild(m: EntityManager, childId: string, before?: LineageEdge[]): Promise<boolean> {
    const child = await this.artifacts.find(m, childId);
    if (child === null || child.type !== 'model') return false;
    const previous = before ?? (await this.graph.parentsOf(m, childId));
    const { edges, refs } = await this.resolver.resolve(m, child, await this.graph.refsOf(m, childId));
    await this.graph.saveResolutions(m, childId, refs);
    await this.graph.replaceEdges(m, childId, edges);
    return !sameEdges(previous, edges);
  }

  private async publish(m: EntityManager, childId: string, cause: Envelope): Promise<void> {
    const child = await this.artifacts.find(m, childId);
    if (child === null) return;
    const edges = await this.graph.parentsOf(m, childId);
    const parents = await this.artifacts.findMany(m, edges.map((e) => e.parentId));
    const pending = await this.graph.refsInState(m, [childId], 'pending');
    const payload: LineageChangedV1 = {
      artifactId: child.artifactId,
      artifactType: child.type,
      name: child.name,
      version: child.version,
      parents: edges.flatMap((e) => {
        const parent = parents.get(e.parentId);
        return parent ? [{ artifactId: parent.artifactId, artifactType: parent.type, name: parent.name.slice(0, 300), relationship: e.relationship, source: e.source }] : [];
      }),
      pending: pending.slice(0, MAX_PENDING_IN_EVENT).map((p) => ({ upstreamId: p.upstreamId, relationship: p.relationship, source: p.source })),
      pendingTruncated: child.refsTruncated || pending.length > MAX_PENDING_IN_EVENT,
      changedAt: new Date().toISOString(),
    };
    await this.outbox.enqueue(m, Topic.LineageChanged, payload, { key: childId, causationId: cause.eventId, correlationId: cause.correlationId });
  }
}
