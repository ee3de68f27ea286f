import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ModelRatingEntity } from '../persistence/model-rating.entity';
import { SignedManifestService } from '../signing/signed-manifest.service';
import type { AliasPolicy } from './release-policy';

/** The gate names a refusal carries (`gate_failed:<gate>`), stable for clients and the audit trail. */
export type ReleaseGate =
  | 'version_missing'
  | 'not_stored'
  | 'rating_gate'
  | 'scan_pending'
  | 'scan_blocked'
  | 'scan_overridden'
  | 'scan_not_clean'
  | 'signature'
  | 'rating_missing'
  | 'rating_below_threshold'
  | 'license';

/** 422 naming the failing gate; the RequestRefused event puts the refusal in the audit trail. */
export function gateFailure(gate: ReleaseGate, message: string): ClientError {
  return new ClientError(422, `promotion refused (gate_failed:${gate}): ${message}`, {}, { code: `gate_failed:${gate}`, gate }, 'refused');
}

/**
 * The checks a version must pass to be what an alias points at. Run when a promotion is requested and again, inside
 * the moving transaction, right before the alias moves: a verdict that changed in between still stops it.
 */
@Injectable()
export class ReleaseGates {
  constructor(private readonly signatures: SignedManifestService) {}

  async check(m: EntityManager, artifactId: string, version: string, policy: AliasPolicy): Promise<ArtifactVersionEntity> {
    const v = await m.getRepository(ArtifactVersionEntity).findOneBy({ artifactId, version });
    if (v === null) throw gateFailure('version_missing', `version ${version} does not exist (deleted?)`);
    if (v.ingestState !== 'stored') throw gateFailure('not_stored', `version ${version} is ${v.ingestState === 'ingesting' ? 'still being ingested' : 'not stored (ingest failed)'}`);
    if (v.ratingState === 'pending' || v.ratingState === 'rejected') throw gateFailure('rating_gate', `version ${version} has not passed the ingest rating gate (${v.ratingState})`);
    this.checkScan(v, policy);
    try {
      await this.signatures.assertServable(v, m);
    } catch (error: unknown) {
      if (error instanceof ClientError) throw gateFailure('signature', error.message);
      throw error;
    }
    const rating = await m.getRepository(ModelRatingEntity).findOneBy({ artifactId, version });
    if (policy.minNetScore !== null) {
      if (rating === null) throw gateFailure('rating_missing', `version ${version} has no rating yet (needs net_score >= ${policy.minNetScore})`);
      if (rating.rating.net_score < policy.minNetScore) {
        throw gateFailure('rating_below_threshold', `net_score ${rating.rating.net_score.toFixed(2)} < ${policy.minNetScore}`);
      }
    }
    // The license check, where the data exists: the rating's license metric is 0 when no compatible license was found.
    if (rating !== null && rating.rating.license <= 0) throw gateFailure('license', `version ${version} failed its license check`);
    return v;
  }

  private checkScan(v: ArtifactVersionEntity, policy: AliasPolicy): void {
    switch (v.scanState) {
      case 'pending':
        throw gateFailure('scan_pending', `version ${v.version} is still waiting for its security scan`);
      case 'blocked':
        if (v.overrideBy === null) throw gateFailure('scan_blocked', `version ${v.version} is blocked by its scan: ${v.scanReason ?? 'no reason'}`);
        if (!policy.allowOverriddenScan) throw gateFailure('scan_overridden', `version ${v.version} is blocked and only released by an admin override; this alias's policy refuses that`);
        return;
      case 'flagged':
        throw gateFailure('scan_not_clean', `version ${v.version} was flagged by its scan: ${v.scanReason ?? 'no reason'}`);
      case 'clean':
        return;
    }
  }
}
