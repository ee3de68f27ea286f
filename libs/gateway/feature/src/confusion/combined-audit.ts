import { auditPackageConfusion, type AuditedArtifact, type NameFinding } from './confusion-audit';
import { combineScores, type TrafficAnomaly } from './traffic-anomaly';

/** One suspect of `GET /artifacts/PackageConfusionAudit`: listed for its name, its download traffic, or both. */
export interface ConfusionFinding {
  id: string;
  name: string;
  type: string;
  /** Noisy-or of name_score and traffic_score (either alone is its own score). */
  score: number;
  /** The more popular artifact the name imitates; null when listed for traffic only. */
  looks_like: { id: string; name: string } | null;
  name_score: number | null;
  traffic_score: number | null;
  /** Name reasons first, then one reason per traffic signal, each with its numbers. */
  reasons: string[];
}

/**
 * Merges the name-similarity findings with the traffic anomalies (by artifact id), highest score first, ties in
 * code-unit name order, at most `limit`.
 */
export async function auditConfusionAndTraffic(
  artifacts: readonly AuditedArtifact[],
  traffic: ReadonlyMap<string, TrafficAnomaly>,
  limit: number,
): Promise<ConfusionFinding[]> {
  // Every name finding, not just the top ones: a modest name score plus a traffic anomaly may outrank them all.
  const byName = new Map<string, NameFinding>((await auditPackageConfusion(artifacts, Number.MAX_SAFE_INTEGER)).map((f) => [f.id, f]));
  const findings: ConfusionFinding[] = [];
  for (const artifact of artifacts) {
    const named = byName.get(artifact.id);
    const anomaly = traffic.get(artifact.id);
    if (named === undefined && anomaly === undefined) continue;
    const scores = [named?.score, anomaly?.score].filter((s): s is number => s !== undefined);
    findings.push({
      id: artifact.id,
      name: artifact.name,
      type: artifact.type,
      score: combineScores(scores),
      looks_like: named?.looks_like ?? null,
      name_score: named?.score ?? null,
      traffic_score: anomaly?.score ?? null,
      reasons: [...(named?.reasons ?? []), ...(anomaly?.signals.map((s) => s.reason) ?? [])],
    });
  }
  findings.sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return findings.slice(0, limit);
}
