// The registry's shared vocabulary: plain TypeScript, no framework (lint enforces it), safe for every layer.
export { ARTIFACT_TYPES, isArtifactType, type ArtifactType } from './artifact-type';
export { ARTIFACT_ID_PATTERN, ARTIFACT_ID_MAX_LENGTH, isArtifactId } from './artifact-id';
export { ARTIFACT_NAME_MAX_LENGTH, ENUMERATE_ALL_NAME, artifactNameProblem, isArtifactName } from './artifact-name';
export type { ArtifactRef, ArtifactVersionRef } from './artifact-ref';
export { SHA256_HEX_PATTERN, isSha256Hex, manifestTotalBytes, type ManifestEntry } from './manifest-entry';
export { FILE_KINDS, classifyPath, classifyEntry, type FileKind, type ClassifiedManifestEntry } from './file-kind';
export {
  SCAN_VERDICTS,
  FINDING_SEVERITIES,
  isScanVerdict,
  emptyFindingCounts,
  type ScanVerdict,
  type ScanState,
  type FindingSeverity,
  type FindingCounts,
} from './scan-verdict';
export {
  SCALAR_METRICS,
  SIZE_SCORE_TARGETS,
  RATING_METRICS,
  MIN_SCORE,
  MAX_SCORE,
  NOT_APPLICABLE_SCORE,
  latencyField,
  isValidScore,
  clampScore,
  ratingProblems,
  type ScalarMetric,
  type SizeScoreTarget,
  type SizeScore,
  type RatingMetric,
  type ScoreMetric,
  type LatencyField,
  type ModelRating,
} from './trust-metric';
export { RELEASE_VERSION_MAX_LENGTH, compareReleaseVersions, parseReleaseVersion, releaseVersionProblem } from './release-version';
export { PERMISSIONS, isPermission, parsePermissions, allows, type Permission, type PermissionHolder } from './permission';
