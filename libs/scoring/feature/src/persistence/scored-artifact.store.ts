import type { ManifestEntry, PackageMetadata } from '@modelguard/contracts';
import type { ArtifactType } from '@modelguard/domain';
import type { EntityManager } from 'typeorm';
import { tableOf } from './scoring-tables';

/** One stored artifact version as scoring keeps it. */
/** How a companion was linked to a model: named by its card, or only registered just before it. */
export type LinkedBy = 'name' | 'registration-order';

export interface ScoredArtifact {
  artifactId: string;
  version: string;
  type: ArtifactType;
  name: string;
  url: string;
  source: string;
  files: ManifestEntry[];
  metadata: PackageMetadata;
  totalBytes: number;
  /** Arrival order across every artifact (what "stored before" means when linking). */
  seq: number;
}

export type NewScoredArtifact = Omit<ScoredArtifact, 'seq'> & { matchKeys: string[] };

interface ArtifactRow {
  artifact_id: string;
  version: string;
  artifact_type: ArtifactType;
  name: string;
  url: string;
  source: string;
  files: ManifestEntry[];
  metadata: PackageMetadata;
  total_bytes: string;
  seq: string;
}

const COLUMNS = 'artifact_id, version, artifact_type, name, url, source, files, metadata, total_bytes, seq';

const toArtifact = (row: ArtifactRow): ScoredArtifact => ({
  artifactId: row.artifact_id,
  version: row.version,
  type: row.artifact_type,
  name: row.name,
  url: row.url,
  source: row.source,
  files: row.files,
  metadata: row.metadata,
  totalBytes: Number(row.total_bytes),
  seq: Number(row.seq),
});

/** All SQL about the artifact versions scoring has seen. */
export class ScoredArtifactStore {
  /** Records a stored version; a redelivery (or a second event for the same version) keeps the first record. */
  async record(manager: EntityManager, a: NewScoredArtifact): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO ${tableOf(manager, 'scored_artifact')}
         (artifact_id, version, artifact_type, name, url, source, files, metadata, total_bytes, match_keys)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10::text[])
       ON CONFLICT (artifact_id, version) DO NOTHING
       RETURNING seq`,
      [a.artifactId, a.version, a.type, a.name, a.url, a.source, JSON.stringify(a.files), JSON.stringify(a.metadata), a.totalBytes, a.matchKeys],
    )) as unknown[];
    return rows.length > 0;
  }

  async find(manager: EntityManager, artifactId: string, version: string): Promise<ScoredArtifact | null> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM ${tableOf(manager, 'scored_artifact')} WHERE artifact_id = $1 AND version = $2`, [
      artifactId,
      version,
    ])) as ArtifactRow[];
    return rows[0] ? toArtifact(rows[0]) : null;
  }

  /** The most recently stored version of an artifact (what the license check judges), or null when none is recorded. */
  async findLatest(manager: EntityManager, artifactId: string): Promise<ScoredArtifact | null> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM ${tableOf(manager, 'scored_artifact')} WHERE artifact_id = $1 ORDER BY seq DESC LIMIT 1`, [
      artifactId,
    ])) as ArtifactRow[];
    return rows[0] ? toArtifact(rows[0]) : null;
  }

  /**
   * The artifact of `type` to link a model to: the most recent one the model's card names (any of `namedKeys`),
   * else the most recent one stored before the model (`beforeSeq`). See package-links.ts in @modelguard/contracts for the rule.
   */
  /**
   * The code or dataset linked to a model: the newest one its card names, else (the course's convention) the newest
   * one stored before the model. `by` says which: a link by registration order is a guess.
   */
  async findLinked(manager: EntityManager, type: 'code' | 'dataset', namedKeys: string[], beforeSeq: number): Promise<{ artifact: ScoredArtifact; by: LinkedBy } | null> {
    const table = tableOf(manager, 'scored_artifact');
    if (namedKeys.length > 0) {
      const named = (await manager.query(
        `SELECT ${COLUMNS} FROM ${table} WHERE artifact_type = $1 AND match_keys && $2::text[] ORDER BY seq DESC LIMIT 1`,
        [type, namedKeys],
      )) as ArtifactRow[];
      if (named[0]) return { artifact: toArtifact(named[0]), by: 'name' };
    }
    const before = (await manager.query(`SELECT ${COLUMNS} FROM ${table} WHERE artifact_type = $1 AND seq < $2 ORDER BY seq DESC LIMIT 1`, [
      type,
      beforeSeq,
    ])) as ArtifactRow[];
    return before[0] ? { artifact: toArtifact(before[0]), by: 'registration-order' } : null;
  }

  /** A deleted artifact must no longer be linked to anything. */
  async deleteArtifact(manager: EntityManager, artifactId: string): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'scored_artifact')} WHERE artifact_id = $1`, [artifactId]);
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'scored_artifact')}`);
  }
}
