import type { EntityManager } from 'typeorm';
import type { LineageArtifact } from '../persistence/lineage-artifact.store';
import { LineageArtifactStore } from '../persistence/lineage-artifact.store';
import { type LineageEdge, LineageGraphStore, type ParentRef } from '../persistence/lineage-graph.store';

/** Code artifacts a model may be linked to by the GitHub repositories its card mentions. */
const MAX_CODE_LINKS = 20;

export type DesiredEdge = Omit<LineageEdge, 'childId'>;

/** The best registered match of a reference: one it names exactly before one it names by a bare last segment, then the first registered. */
function bestCandidate(ref: ParentRef, candidates: readonly LineageArtifact[], childId: string): LineageArtifact | undefined {
  const exactKey = ref.lookupKeys[0];
  const matching = candidates.filter((c) => c.artifactId !== childId && c.type === ref.kind && c.keys.some((k) => ref.lookupKeys.includes(k)));
  return matching.find((c) => exactKey !== undefined && c.keys.includes(exactKey)) ?? matching[0];
}

/**
 * Works out the edges of one model from its references and the registry as it is now: each reference resolves to
 * its best registered match, or stays pending; one that would make the model its own parent, or close a cycle (the
 * model is already an ancestor of the match), is rejected with the reason, so the graph stays acyclic whatever the
 * metadata says. Then the registration links: the code artifacts the card mentions (else the latest code stored
 * before the model), and, when no named dataset is registered, the latest dataset stored before it (the shared rule
 * of package-links.ts in @modelguard/contracts).
 */
export class ParentResolver {
  private readonly artifacts = new LineageArtifactStore();
  private readonly graph = new LineageGraphStore();

  async resolve(m: EntityManager, child: LineageArtifact, refs: ParentRef[]): Promise<{ edges: DesiredEdge[]; refs: ParentRef[] }> {
    const edges: DesiredEdge[] = [];
    const parents = new Set<string>();
    const allKeys = [...new Set(refs.flatMap((r) => r.lookupKeys))];
    const candidates = [...(await this.artifacts.findByKeys(m, 'model', allKeys)), ...(await this.artifacts.findByKeys(m, 'dataset', allKeys))];
    const resolved: ParentRef[] = [];
    for (const ref of refs) {
      const match = bestCandidate(ref, candidates, child.artifactId);
      if (match === undefined) {
        // Only an exact name is the model itself: a bare `name` that matches only its own last segment may be the
        // original it was forked from, not registered yet.
        const namesItself = ref.lookupKeys[0] !== undefined && child.keys.includes(ref.lookupKeys[0]);
        resolved.push(namesItself ? { ...ref, state: 'rejected', parentId: null, note: 'names the model itself' } : { ...ref, state: 'pending', parentId: null, note: null });
        continue;
      }
      if (ref.kind === 'model' && !parents.has(match.artifactId) && (await this.graph.isAncestorOrSelf(m, child.artifactId, match.artifactId))) {
        const note = `would close a cycle: ${match.name} (${match.artifactId}) already descends from this model`;
        resolved.push({ ...ref, state: 'rejected', parentId: match.artifactId, note });
        continue;
      }
      resolved.push({ ...ref, state: 'resolved', parentId: match.artifactId, note: null });
      if (parents.has(match.artifactId)) continue;
      parents.add(match.artifactId);
      edges.push({ parentId: match.artifactId, relationship: ref.relationship, source: ref.source });
    }
    edges.push(...(await this.registrationLinks(m, child, resolved)));
    return { edges, refs: resolved };
  }

  private async registrationLinks(m: EntityManager, child: LineageArtifact, refs: readonly ParentRef[]): Promise<DesiredEdge[]> {
    const links: DesiredEdge[] = [];
    const named = await this.artifacts.findByKeys(m, 'code', child.codeKeys, MAX_CODE_LINKS);
    const code = named.length > 0 ? named : [await this.artifacts.latestBefore(m, 'code', child.seq)].filter((c): c is LineageArtifact => c !== null);
    for (const c of code) links.push({ parentId: c.artifactId, relationship: 'code', source: 'registration' });
    if (!refs.some((r) => r.kind === 'dataset' && r.state === 'resolved')) {
      const dataset = await this.artifacts.latestBefore(m, 'dataset', child.seq);
      if (dataset) links.push({ parentId: dataset.artifactId, relationship: 'fine_tuning_dataset', source: 'registration' });
    }
    return links;
  }
}
