import type { ArtifactType } from '@modelguard/domain';
import { qualifiedTable } from '@modelguard/persistence';
import type { EntityManager } from 'typeorm';
import type { LineageProblem, LineageSource, MetadataStatus } from '../declarations/lineage-declarations';

/** One registered artifact as lineage keeps it (its latest stored version). */
export interface LineageArtifact {
  artifactId: string;
  type: ArtifactType;
  name: string;
  version: string;
  url: string;
  repositoryUrl: string | null;
  revision: string | null;
  totalBytes: number;
  keys: string[];
  codeKeys: string[];
  lineageSource: LineageSource;
  metadataStatus: MetadataStatus;
  problems: LineageProblem[];
  refsTruncated: boolean;
  /** Arrival order of the version across every artifact. */
  seq: number;
}

export type NewLineageArtifact = Omit<LineageArtifact, 'seq'>;

interface ArtifactRow {
  artifact_id: string;
  artifact_type: ArtifactType;
  name: string;
  version: string;
  url: string;
  repository_url: string | null;
  revision: string | null;
  total_bytes: string;
  keys: string[];
  code_keys: string[];
  lineage_source: LineageSource;
  metadata_status: MetadataStatus;
  problems: LineageProblem[];
  refs_truncated: boolean;
  seq: string;
}

const COLUMNS =
  'artifact_id, artifact_type, name, version, url, repository_url, revision, total_bytes, keys, code_keys, lineage_source, metadata_status, problems, refs_truncated, seq';

const toArtifact = (r: ArtifactRow): LineageArtifact => ({
  artifactId: r.artifact_id,
  type: r.artifact_type,
  name: r.name,
  version: r.version,
  url: r.url,
  repositoryUrl: r.repository_url,
  revision: r.revision,
  totalBytes: Number(r.total_bytes),
  keys: r.keys,
  codeKeys: r.code_keys,
  lineageSource: r.lineage_source,
  metadataStatus: r.metadata_status,
  problems: r.problems,
  refsTruncated: r.refs_truncated,
  seq: Number(r.seq),
});

/** All SQL about the artifacts lineage knows. */
export class LineageArtifactStore {
  private table(m: EntityManager): string {
    return qualifiedTable(m, 'lineage_artifact');
  }

  /**
   * Records the latest stored version of an artifact. A new version takes a new place in the arrival order; the
   * same version recorded again (a redelivery under another event id) keeps its place. Returns the previous version.
   */
  async record(m: EntityManager, a: NewLineageArtifact): Promise<{ previousVersion: string | null }> {
    const [previous] = (await m.query(`SELECT version FROM ${this.table(m)} WHERE artifact_id = $1 FOR UPDATE`, [a.artifactId])) as { version: string }[];
    await m.query(
      `INSERT INTO ${this.table(m)} AS t (artifact_id, artifact_type, name, version, url, repository_url, revision, total_bytes, keys, code_keys,
                                          lineage_source, metadata_status, problems, refs_truncated, seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10::text[], $11, $12, $13::jsonb, $14, nextval($15::regclass))
       ON CONFLICT (artifact_id) DO UPDATE SET
         artifact_type = EXCLUDED.artifact_type, name = EXCLUDED.name, version = EXCLUDED.version, url = EXCLUDED.url,
         repository_url = EXCLUDED.repository_url, revision = EXCLUDED.revision, total_bytes = EXCLUDED.total_bytes,
         keys = EXCLUDED.keys, code_keys = EXCLUDED.code_keys, lineage_source = EXCLUDED.lineage_source,
         metadata_status = EXCLUDED.metadata_status, problems = EXCLUDED.problems, refs_truncated = EXCLUDED.refs_truncated,
         seq = CASE WHEN t.version = EXCLUDED.version THEN t.seq ELSE EXCLUDED.seq END, updated_at = now()`,
      [
        a.artifactId,
        a.type,
        a.name,
        a.version,
        a.url,
        a.repositoryUrl,
        a.revision,
        a.totalBytes,
        a.keys,
        a.codeKeys,
        a.lineageSource,
        a.metadataStatus,
        JSON.stringify(a.problems),
        a.refsTruncated,
        qualifiedTable(m, 'lineage_artifact_seq'),
      ],
    );
    return { previousVersion: previous?.version ?? null };
  }

  async find(m: EntityManager, artifactId: string): Promise<LineageArtifact | null> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM ${this.table(m)} WHERE artifact_id = $1`, [artifactId])) as ArtifactRow[];
    return rows[0] ? toArtifact(rows[0]) : null;
  }

  async findMany(m: EntityManager, artifactIds: readonly string[]): Promise<Map<string, LineageArtifact>> {
    if (artifactIds.length === 0) return new Map();
    const rows = (await m.query(`SELECT ${COLUMNS} FROM ${this.table(m)} WHERE artifact_id = ANY($1::text[])`, [artifactIds])) as ArtifactRow[];
    return new Map(rows.map((r) => [r.artifact_id, toArtifact(r)]));
  }

  /** Artifacts of `type` that any of `keys` names (parent references, code mentions), oldest first. */
  async findByKeys(m: EntityManager, type: ArtifactType, keys: readonly string[], limit = 1_000): Promise<LineageArtifact[]> {
    if (keys.length === 0) return [];
    const rows = (await m.query(`SELECT ${COLUMNS} FROM ${this.table(m)} WHERE artifact_type = $1 AND keys && $2::text[] ORDER BY seq LIMIT $3`, [
      type,
      keys,
      limit,
    ])) as ArtifactRow[];
    return rows.map(toArtifact);
  }

  /** The most recent artifact of `type` stored before `seq` (the registration-order link fallback). */
  async latestBefore(m: EntityManager, type: 'code' | 'dataset', seq: number): Promise<LineageArtifact | null> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM ${this.table(m)} WHERE artifact_type = $1 AND seq < $2 ORDER BY seq DESC LIMIT 1`, [type, seq])) as ArtifactRow[];
    return rows[0] ? toArtifact(rows[0]) : null;
  }

  /** Models whose card mentions any of a code artifact's keys. */
  async modelsMentioningCode(m: EntityManager, keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = (await m.query(`SELECT artifact_id FROM ${this.table(m)} WHERE artifact_type = 'model' AND code_keys && $1::text[]`, [keys])) as { artifact_id: string }[];
    return rows.map((r) => r.artifact_id);
  }

  /** Deletes the artifact; its references and its edges (both ways) go with it. */
  async delete(m: EntityManager, artifactId: string): Promise<void> {
    await m.query(`DELETE FROM ${this.table(m)} WHERE artifact_id = $1`, [artifactId]);
  }

  async deleteAll(m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM ${this.table(m)}`);
  }
}
