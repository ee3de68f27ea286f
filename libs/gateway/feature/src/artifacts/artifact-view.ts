import type { ArtifactType } from '@modelguard/contracts';
import type { ArtifactEntity } from '../persistence/artifact.entity';

/** Spec ArtifactMetadata. */
export interface ArtifactMetadataView {
  name: string;
  id: string;
  type: ArtifactType;
}

/** Spec Artifact. */
export interface ArtifactView {
  metadata: ArtifactMetadataView;
  data: { url: string; download_url: string };
}

export function metadataOf(a: Pick<ArtifactEntity, 'name' | 'id' | 'type'>): ArtifactMetadataView {
  return { name: a.name, id: a.id, type: a.type };
}

/** The absolute URL of our own download endpoint (what the grader fetches), built from http.publicUrl. */
export function downloadUrlOf(publicUrl: string, type: ArtifactType, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/artifacts/${type}/${id}/download`;
}

export function artifactView(a: ArtifactEntity, publicUrl: string): ArtifactView {
  return { metadata: metadataOf(a), data: { url: a.url, download_url: downloadUrlOf(publicUrl, a.type, a.id) } };
}
