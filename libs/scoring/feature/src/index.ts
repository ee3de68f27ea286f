export { ScoringModule, type ScoringModuleOptions } from './scoring.module';
export { SCORING_MIGRATIONS, CreateScoringTables1764320000000 } from './persistence/create-scoring-tables.migration';
export { RatingWorker } from './worker/rating-worker.service';
export { SCORING_SETTINGS, scoringSettings, type ScoringSettings } from './worker/scoring-settings';
export { GITHUB_EVIDENCE_SOURCE, type GithubEvidenceSource } from './worker/evidence-assembler';
export type { RatingEvidence, ComputedRating, GithubEvidence, EvidenceUnavailable, MetricOutcome, LinkedArtifactEvidence } from './rating/rating-evidence';
