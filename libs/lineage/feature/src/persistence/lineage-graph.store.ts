import type { LineageRelationship } from '@modelguard/contracts';
import { qualifiedTable } from '@modelguard/persistence';
import type { EntityManager } from 'typeorm';
import type { DeclaredParent, LineageSource } from '../declarations/lineage-declarations';

export type RefState = 'pending' | 'resolved' | 'rejected';

/** A parent a model's metadata names, with what it resolved to. */
export interface ParentRef extends DeclaredParent {
  ordinal: number;
  state: RefState;
  parentId: string | null;
  note: string | null;
}

/** An edge of the graph, parent → child, between registered artifacts. */
export interface LineageEdge {
  childId: string;
  parentId: string;
  relationship: LineageRelationship;
  source: LineageSource;
}

interface RefRow {
  ordinal: number;
  kind: ParentRef['kind'];
  upstream_id: string;
  lookup_keys: string[];
  relationship: LineageRelationship;
  source: LineageSource;
  state: RefState;
  parent_id: string | null;
  note: string | null;
}

interface EdgeRow {
  child_id: string;
  parent_id: string;
  relationship: LineageRelationship;
  source: LineageSource;
}

const toEdge = (r: EdgeRow): LineageEdge => ({ childId: r.child_id, parentId: r.parent_id, relationship: r.relationship, source: r.source });

/** Bounds the cycle check's walk (the graph is acyclic, so it ends anyway; this bounds a pathological one). */
const MAX_ANCESTOR_WALK = 100_000;

/** All SQL about parent references and edges. */
export class LineageGraphStore {
  /** Replaces the references of a model's new version (all pending until resolved). */
  async replaceRefs(m: EntityManager, childId: string, parents: readonly DeclaredParent[]): Promise<void> {
    const table = qualifiedTable(m, 'lineage_parent_ref');
    await m.query(`DELETE FROM ${table} WHERE child_id = $1`, [childId]);
    if (parents.length === 0) return;
    await m.query(
      `INSERT INTO ${table} (child_id, ordinal, kind, upstream_id, lookup_keys, relationship, source)
       SELECT $1, r.ordinal, r.kind, r.upstream_id, ARRAY(SELECT jsonb_array_elements_text(r.lookup_keys)), r.relationship, r.source
         FROM jsonb_to_recordset($2::jsonb) AS r(ordinal int, kind text, upstream_id text, lookup_keys jsonb, relationship text, source text)`,
      [
        childId,
        JSON.stringify(parents.map((p, ordinal) => ({ ordinal, kind: p.kind, upstream_id: p.upstreamId, lookup_keys: p.lookupKeys, relationship: p.relationship, source: p.source }))),
      ],
    );
  }

  async refsOf(m: EntityManager, childId: string): Promise<ParentRef[]> {
    const rows = (await m.query(
      `SELECT ordinal, kind, upstream_id, lookup_keys, relationship, source, state, parent_id, note
         FROM ${qualifiedTable(m, 'lineage_parent_ref')} WHERE child_id = $1 ORDER BY ordinal`,
      [childId],
    )) as RefRow[];
    return rows.map((r) => ({
      ordinal: r.ordinal,
      kind: r.kind,
      upstreamId: r.upstream_id,
      lookupKeys: r.lookup_keys,
      relationship: r.relationship,
      source: r.source,
      state: r.state,
      parentId: r.parent_id,
      note: r.note,
    }));
  }

  /** Records what each reference resolved to (one statement for all of a model's references). */
  async saveResolutions(m: EntityManager, childId: string, refs: readonly ParentRef[]): Promise<void> {
    if (refs.length === 0) return;
    await m.query(
      `UPDATE ${qualifiedTable(m, 'lineage_parent_ref')} AS t SET state = r.state, parent_id = r.parent_id, note = r.note
         FROM jsonb_to_recordset($2::jsonb) AS r(ordinal int, state text, parent_id text, note text)
        WHERE t.child_id = $1 AND t.ordinal = r.ordinal`,
      [childId, JSON.stringify(refs.map((r) => ({ ordinal: r.ordinal, state: r.state, parent_id: r.parentId, note: r.note })))],
    );
  }

  /** Models with a reference that any of `keys` may satisfy (whatever it resolved to so far). */
  async childrenNaming(m: EntityManager, keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = (await m.query(`SELECT DISTINCT child_id FROM ${qualifiedTable(m, 'lineage_parent_ref')} WHERE lookup_keys && $1::text[]`, [keys])) as {
      child_id: string;
    }[];
    return rows.map((r) => r.child_id);
  }

  /** The references of the given models in one state (pending: not registered yet; rejected: self or cycle), in order. */
  async refsInState(m: EntityManager, childIds: readonly string[], state: Exclude<RefState, 'resolved'>): Promise<(ParentRef & { childId: string })[]> {
    if (childIds.length === 0) return [];
    const rows = (await m.query(
      `SELECT child_id, ordinal, kind, upstream_id, lookup_keys, relationship, source, state, parent_id, note
         FROM ${qualifiedTable(m, 'lineage_parent_ref')} WHERE child_id = ANY($1::text[]) AND state = $2 ORDER BY child_id, ordinal`,
      [childIds, state],
    )) as (RefRow & { child_id: string })[];
    return rows.map((r) => ({ childId: r.child_id, ordinal: r.ordinal, kind: r.kind, upstreamId: r.upstream_id, lookupKeys: r.lookup_keys, relationship: r.relationship, source: r.source, state: r.state, parentId: r.parent_id, note: r.note }));
  }

  async parentsOf(m: EntityManager, childId: string): Promise<LineageEdge[]> {
    const rows = (await m.query(`SELECT child_id, parent_id, relationship, source FROM ${qualifiedTable(m, 'lineage_edge')} WHERE child_id = $1 ORDER BY ordinal`, [
      childId,
    ])) as EdgeRow[];
    return rows.map(toEdge);
  }

  /** The children of an artifact (whose edges its deletion removes). */
  async childrenOf(m: EntityManager, parentId: string): Promise<string[]> {
    const rows = (await m.query(`SELECT child_id FROM ${qualifiedTable(m, 'lineage_edge')} WHERE parent_id = $1`, [parentId])) as { child_id: string }[];
    return rows.map((r) => r.child_id);
  }

  /** Edges into (`up`: the parents of) or out of (`down`: the children of) a set of artifacts. */
  async edgesAround(m: EntityManager, ids: readonly string[], direction: 'up' | 'down', limit: number): Promise<LineageEdge[]> {
    if (ids.length === 0) return [];
    const column = direction === 'up' ? 'child_id' : 'parent_id';
    const rows = (await m.query(
      `SELECT child_id, parent_id, relationship, source FROM ${qualifiedTable(m, 'lineage_edge')} WHERE ${column} = ANY($1::text[]) ORDER BY child_id, ordinal LIMIT $2`,
      [ids, limit],
    )) as EdgeRow[];
    return rows.map(toEdge);
  }

  async replaceEdges(m: EntityManager, childId: string, edges: readonly Omit<LineageEdge, 'childId'>[]): Promise<void> {
    const table = qualifiedTable(m, 'lineage_edge');
    await m.query(`DELETE FROM ${table} WHERE child_id = $1`, [childId]);
    if (edges.length === 0) return;
    await m.query(
      `INSERT INTO ${table} (child_id, parent_id, relationship, source, ordinal)
       SELECT $1, e.parent_id, e.relationship, e.source, e.ordinal FROM jsonb_to_recordset($2::jsonb) AS e(parent_id text, relationship text, source text, ordinal int)`,
      [childId, JSON.stringify(edges.map((e, ordinal) => ({ parent_id: e.parentId, relationship: e.relationship, source: e.source, ordinal })))],
    );
  }

  /** True when `ancestorId` is reachable from `id` by following parent edges upward (or is `id` itself). */
  async isAncestorOrSelf(m: EntityManager, ancestorId: string, id: string): Promise<boolean> {
    if (ancestorId === id) return true;
    const rows = (await m.query(
      `WITH RECURSIVE up(id) AS (
         SELECT parent_id FROM ${qualifiedTable(m, 'lineage_edge')} WHERE child_id = $1
         UNION
         SELECT e.parent_id FROM ${qualifiedTable(m, 'lineage_edge')} e JOIN up ON e.child_id = up.id
       )
       SELECT 1 AS found FROM (SELECT id FROM up LIMIT ${MAX_ANCESTOR_WALK}) walked WHERE id = $2 LIMIT 1`,
      [id, ancestorId],
    )) as unknown[];
    return rows.length > 0;
  }
}
