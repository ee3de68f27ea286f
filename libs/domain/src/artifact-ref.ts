import type { ArtifactType } from './artifact-type';

/** Names one artifact in every message about it; the id is the key, type and name travel for readers' sake. */
export interface ArtifactRef {
  artifactId: string;
  artifactType: ArtifactType;
  name: string;
}

/** One version of an artifact: the unit that is ingested, scanned, rated and downloaded. */
export interface ArtifactVersionRef extends ArtifactRef {
  version: string;
}

