import type { IngestGateVerdictV1 } from '@modelguard/contracts';
import { IsNull, Not, type EntityManager } from 'typeorm';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { ModelRatingEntity } from '../persistence/model-rating.entity';

/**
 * The ingest gate, applied by the gateway to models fetched from Hugging Face (the spec's 424 "not registered due to
 * the disqualified rating"). Scoring decides whether a rating passes (its README, "The ingest gate") and sends the
 * verdict with the rating; the gateway owns what it means for the registry:
 *   - a stored HF model version is `pending` until its verdict arrives, and not downloadable meanwhile;
 *   - `passed` and `rejected` are final (a later re-rating, when the lineage changes, does not un-register a model
 *     that was admitted, nor admit one that was refused);
 *   - a rejected version is never downloadable, its reason names each failing metric and value, and when it was the
 *     artifact's latest version the artifact points back at its newest admitted one (a failed update keeps the old
 *     version). A create still waiting (ArtifactService) removes the artifact and answers 424.
 * Both events (PackageStored, RatingComputed) call settle(): they travel on different topics, so either may arrive
 * first; whichever comes second decides.
 */
export function gatedSource(artifactType: string, source: string): boolean {
  return artifactType === 'model' && source === 'huggingface';
}

export async function settleRatingGate(manager: EntityManager, artifactId: string, version: string): Promise<void> {
  const versions = manager.getRepository(ArtifactVersionEntity);
  const row = await versions.findOneBy({ artifactId, version });
  if (row === null || row.ratingState !== 'pending' || row.ingestState !== 'stored') return;
  const rating = await manager.getRepository(ModelRatingEntity).findOne({ where: { artifactId, version }, select: { gate: true } });
  if (rating?.gate == null) return;
  if (rating.gate.passed) {
    await versions.update({ artifactId, version, ratingState: 'pending' }, { ratingState: 'passed', ratingReason: null });
    return;
  }
  await versions.update({ artifactId, version, ratingState: 'pending' }, { ratingState: 'rejected', ratingReason: rejectionReason(rating.gate) });
  // Admitted: passed the gate, or stored before the gate applied to it (NULL).
  const admitted = { artifactId, ingestState: 'stored' as const, version: Not(version) };
  const previous = await versions.findOne({
    where: [{ ...admitted, ratingState: 'passed' as const }, { ...admitted, ratingState: IsNull() }],
    order: { ordinal: 'DESC' },
  });
  if (previous !== null) {
    await manager.getRepository(ArtifactEntity).update({ id: artifactId, latestVersion: version }, { latestVersion: previous.version, url: previous.url });
  }
}

export function rejectionReason(gate: IngestGateVerdictV1): string {
  const failing = gate.failures.map((f) => `${f.metric} ${f.value.toFixed(2)} < ${f.threshold}`).join(', ');
  return `disqualified rating: ${failing || 'no metric passed'}`;
}
