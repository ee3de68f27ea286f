import type { ArtifactCostV1, ArtifactLineageGraphV1, ArtifactLineageNodeV1 } from '@modelguard/contracts';
import type { EntityManager } from 'typeorm';
import { type LineageArtifact, LineageArtifactStore } from '../persistence/lineage-artifact.store';
import { type LineageEdge, LineageGraphStore } from '../persistence/lineage-graph.store';

/** The whole family of a model (scope `models`): deeper than any real lineage, bounded all the same. */
export const FAMILY_DEPTH = 50;
/** Nodes one answer holds at most (the ArtifactLineage contract allows 10,000). */
const MAX_GRAPH_NODES = 5_000;
/** Artifacts one cost closure holds at most; each entry's own total is a walk of the closure, so this bounds the work too. */
const MAX_CLOSURE = 2_000;

type Direction = 'up' | 'down';

function nodeOf(a: LineageArtifact, source: string): ArtifactLineageNodeV1 {
  const metadata: Record<string, string> = { repository_url: (a.repositoryUrl ?? a.url).slice(0, 2048) };
  if (a.revision) metadata['revision'] = a.revision.slice(0, 2048);
  return { artifact_id: a.artifactId, artifact_type: a.type, name: a.name.slice(0, 300), source, version: a.version, metadata };
}

/**
 * Answers the internal queries from the graph: the lineage around an artifact (its ancestors and descendants, level
 * by level, within a depth and a node bound) and the download cost of its dependency closure.
 */
export class LineageGraphReader {
  private readonly artifacts = new LineageArtifactStore();
  private readonly graph = new LineageGraphStore();

  async graphOf(m: EntityManager, id: string, scope: 'models' | 'all', depth: number): Promise<ArtifactLineageGraphV1 | null> {
    const root = await this.artifacts.find(m, id);
    if (root === null) return null;
    const nodes = new Map<string, ArtifactLineageNodeV1>([[root.artifactId, nodeOf(root, root.lineageSource)]]);
    const edges = new Map<string, LineageEdge>();
    let truncated = false;
    for (const direction of ['up', 'down'] as const) {
      truncated = (await this.walk(m, root.artifactId, direction, depth, scope, nodes, edges)) || truncated;
    }
    const modelIds = [...nodes.values()].filter((n) => n.artifact_type === 'model').map((n) => n.artifact_id);
    const pending = scope === 'all' ? await this.graph.refsInState(m, modelIds, 'pending') : [];
    // A reference refused when it was resolved (the model itself, a cycle) is a problem of the metadata too.
    const rejected = (await this.graph.refsInState(m, [root.artifactId], 'rejected')).map((r) => ({ source: r.source, message: `${r.upstreamId}: ${r.note ?? 'rejected'}`.slice(0, 500) }));
    return {
      artifact_id: root.artifactId,
      metadata_status: root.metadataStatus,
      problems: [...root.problems, ...rejected].slice(0, 100),
      nodes: [...nodes.values()],
      edges: [...edges.values()].map((e) => ({ from_node_artifact_id: e.parentId, to_node_artifact_id: e.childId, relationship: e.relationship, source: e.source })),
      pending: pending.map((p) => ({ upstream_id: p.upstreamId, to_node_artifact_id: p.childId, relationship: p.relationship, source: p.source })),
      truncated,
    };
  }

  /** Adds the nodes `depth` levels up or down from the root; true when the walk stopped before the graph ended. */
  private async walk(
    m: EntityManager,
    rootId: string,
    direction: Direction,
    depth: number,
    scope: 'models' | 'all',
    nodes: Map<string, ArtifactLineageNodeV1>,
    edges: Map<string, LineageEdge>,
  ): Promise<boolean> {
    let frontier = [rootId];
    for (let level = 0; frontier.length > 0; level += 1) {
      const found = await this.graph.edgesAround(m, frontier, direction, MAX_GRAPH_NODES + 1);
      const otherOf = (e: LineageEdge) => (direction === 'up' ? e.parentId : e.childId);
      const known = await this.artifacts.findMany(m, [...new Set(found.map(otherOf))].filter((other) => !nodes.has(other)));
      const next: string[] = [];
      for (const edge of found) {
        const other = otherOf(edge);
        const artifact = known.get(other);
        if (!nodes.has(other) && (artifact === undefined || (scope === 'models' && artifact.type !== 'model'))) continue;
        if (level >= depth || nodes.size >= MAX_GRAPH_NODES) return true;
        edges.set(`${edge.parentId}>${edge.childId}`, edge);
        if (artifact !== undefined && !nodes.has(other)) {
          nodes.set(other, nodeOf(artifact, edge.source));
          next.push(other);
        }
      }
      // A level with more edges than the answer can hold was cut by the query's limit.
      if (found.length > MAX_GRAPH_NODES) return true;
      frontier = next;
    }
    return false;
  }

  /** The artifact and everything it depends on (parents of every kind, transitively), each once, with sizes. */
  async costOf(m: EntityManager, id: string): Promise<ArtifactCostV1 | null> {
    const root = await this.artifacts.find(m, id);
    if (root === null) return null;
    const closure = new Map<string, LineageArtifact>([[root.artifactId, root]]);
    const parents = new Map<string, string[]>();
    let frontier = [root.artifactId];
    let truncated = false;
    while (frontier.length > 0 && !truncated) {
      const found = await this.graph.edgesAround(m, frontier, 'up', MAX_CLOSURE * 4 + 1);
      if (found.length > MAX_CLOSURE * 4) truncated = true;
      const known = await this.artifacts.findMany(m, [...new Set(found.map((e) => e.parentId))].filter((p) => !closure.has(p)));
      const next: string[] = [];
      for (const edge of found) {
        parents.set(edge.childId, [...(parents.get(edge.childId) ?? []), edge.parentId]);
        const parent = known.get(edge.parentId);
        if (parent === undefined || closure.has(edge.parentId)) continue;
        if (closure.size >= MAX_CLOSURE) {
          truncated = true;
          break;
        }
        closure.set(edge.parentId, parent);
        next.push(edge.parentId);
      }
      frontier = next;
    }
    const totalOf = (start: string): number => {
      const seen = new Set<string>([start]);
      const stack = [start];
      let bytes = 0;
      for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
        bytes += closure.get(id)?.totalBytes ?? 0;
        for (const p of parents.get(id) ?? []) {
          if (!closure.has(p) || seen.has(p)) continue;
          seen.add(p);
          stack.push(p);
        }
      }
      return bytes;
    };
    const artifacts = [...closure.values()].map((a) => ({
      artifact_id: a.artifactId,
      artifact_type: a.type,
      name: a.name.slice(0, 300),
      version: a.version,
      standalone_bytes: a.totalBytes,
      total_bytes: totalOf(a.artifactId),
    }));
    return { artifact_id: root.artifactId, artifacts, truncated };
  }
}
