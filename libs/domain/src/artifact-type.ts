/** The three kinds of artifact the registry holds (the spec's ArtifactType). */
export const ARTIFACT_TYPES = ['model', 'dataset', 'code'] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

export function isArtifactType(value: unknown): value is ArtifactType {
  return (ARTIFACT_TYPES as readonly unknown[]).includes(value);
}
