import type { EntityManager } from 'typeorm';
import { tableOf } from './scoring-tables';

export interface LineageParent {
  parentId: string;
  parentName: string;
  relationship: string;
}

export interface RatedParent {
  id: string;
  name: string;
  netScore: number;
}

/** All SQL about the lineage parents scoring keeps for tree_score (lineage-changed events fill it). */
export class LineageParentStore {
  /** Replaces the child's parents with `parents`; true when the set of parent ids changed. */
  async replace(manager: EntityManager, childId: string, parents: readonly LineageParent[]): Promise<boolean> {
    const table = tableOf(manager, 'lineage_parent');
    const before = (await manager.query(`SELECT parent_id FROM ${table} WHERE child_id = $1`, [childId])) as Array<{ parent_id: string }>;
    const next = [...new Map(parents.filter((p) => p.parentId !== childId).map((p) => [p.parentId, p])).values()];
    await manager.query(`DELETE FROM ${table} WHERE child_id = $1`, [childId]);
    if (next.length > 0) {
      await manager.query(
        `INSERT INTO ${table} (child_id, parent_id, parent_name, relationship)
         SELECT $1, p.id, p.name, p.rel FROM unnest($2::text[], $3::text[], $4::text[]) AS p(id, name, rel)`,
        [childId, next.map((p) => p.parentId), next.map((p) => p.parentName), next.map((p) => p.relationship)],
      );
    }
    const old = new Set(before.map((r) => r.parent_id));
    return old.size !== next.length || next.some((p) => !old.has(p.parentId));
  }

  /**
   * The child's parents that are rated, each with the net_score of its most recently computed rating (the version
   * a user would pull today).
   */
  async ratedParents(manager: EntityManager, childId: string): Promise<RatedParent[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (p.parent_id) p.parent_id AS id, p.parent_name AS name, (r.rating->>'net_score')::float8 AS net_score
         FROM ${tableOf(manager, 'lineage_parent')} p
         JOIN ${tableOf(manager, 'model_rating')} r ON r.artifact_id = p.parent_id
        WHERE p.child_id = $1
        ORDER BY p.parent_id, r.computed_at DESC`,
      [childId],
    )) as Array<{ id: string; name: string; net_score: number }>;
    return rows.map((r) => ({ id: r.id, name: r.name, netScore: Number(r.net_score) }));
  }

  /** Children of a parent, each with its most recently stored version (the one to re-rate). */
  async childrenOf(manager: EntityManager, parentId: string): Promise<Array<{ childId: string; version: string }>> {
    return ((await manager.query(
      `SELECT DISTINCT ON (p.child_id) p.child_id, a.version
         FROM ${tableOf(manager, 'lineage_parent')} p
         JOIN ${tableOf(manager, 'scored_artifact')} a ON a.artifact_id = p.child_id
        WHERE p.parent_id = $1
        ORDER BY p.child_id, a.seq DESC`,
      [parentId],
    )) as Array<{ child_id: string; version: string }>).map((r) => ({ childId: r.child_id, version: r.version }));
  }

  async deleteArtifact(manager: EntityManager, artifactId: string): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'lineage_parent')} WHERE child_id = $1 OR parent_id = $1`, [artifactId]);
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'lineage_parent')}`);
  }
}
