import type { PackageMetadata } from '@modelguard/contracts';
import type { ArtifactType, ManifestEntry, ModelRating, RatingMetric } from '@modelguard/domain';

/**
 * Everything a rating is computed from. The scoring service assembles it from the stored-package events, from
 * its own record of the code and dataset artifacts registered with the model, and from upstream APIs (GitHub)
 * reached through the guarded egress clients; the metrics themselves are pure functions of it, so the same
 * evidence always gives the same rating and every metric can be tested on recorded fixtures.
 */
export interface RatingEvidence {
  artifact: { id: string; name: string; type: ArtifactType };
  version: string;
  /** Where the package came from (`huggingface`, `github`, `upload`, `metadata-only`). */
  source: string;
  url: string;
  files: readonly ManifestEntry[];
  metadata: PackageMetadata;
  /** The code artifact registered with this model (the course's code_url), when there is one. */
  linkedCode?: LinkedArtifactEvidence;
  /** The dataset artifact registered with this model (the course's dataset_url), when there is one. */
  linkedDataset?: LinkedArtifactEvidence;
  /** The linked GitHub repository's contributor and review history, or why it could not be read. */
  github?: GithubEvidence | EvidenceUnavailable;
  /** Net scores of the lineage parents that are registered and rated. */
  parents?: readonly { id: string; name: string; netScore: number }[];
}

export interface LinkedArtifactEvidence {
  /** Named by the model's card, or only registered just before the model (a guess; absent: named). */
  linkedBy?: 'name' | 'registration-order';
  id: string;
  name: string;
  url: string;
  files: readonly ManifestEntry[];
  metadata: PackageMetadata;
}

/** Why a piece of evidence is missing (404, rate limited, timed out, no repository linked...). */
export interface EvidenceUnavailable {
  unavailable: string;
}

export interface GithubEvidence {
  /** `owner/repo`. */
  repo: string;
  /** Commit counts per contributor login, as GitHub's contributors API reports them (most active first). */
  contributors: readonly { login: string; commits: number }[];
  /** Merged pull requests looked at, with the lines they changed and whether anyone approved or reviewed them. */
  pulls: readonly { number: number; additions: number; deletions: number; reviewed: boolean }[];
  /** Lines added by commits on the default branch in the sampled window (the denominator of reviewedness). */
  totalAdditions: number;
}

/** What one metric found: its score, how long it took, and in words why (or which fallback it used). */
export interface MetricOutcome<S = number> {
  score: S;
  latencySeconds: number;
  reason: string;
  /** True when the evidence did not exist and the documented fallback value was used. */
  fallback: boolean;
}

export interface ComputedRating {
  rating: ModelRating;
  /** One line per metric: why it has the score it has. */
  reasons: Record<RatingMetric, string>;
  /** Metrics that used their fallback value. */
  fallbacks: RatingMetric[];
}
