import {
  ARTIFACT_ID_MAX_LENGTH,
  ARTIFACT_ID_PATTERN,
  ARTIFACT_TYPES,
  SHA256_HEX_PATTERN,
  type ArtifactRef,
  type ManifestEntry as DomainManifestEntry,
} from '@modelguard/domain';
import { z } from 'zod';

export const ArtifactTypeSchema = z.enum(ARTIFACT_TYPES);
export type ArtifactType = z.infer<typeof ArtifactTypeSchema>;

/** Matches the OpenAPI ArtifactID pattern. */
export const ArtifactIdSchema = z.string().regex(ARTIFACT_ID_PATTERN).max(ARTIFACT_ID_MAX_LENGTH);

export const ActorSchema = z.object({ name: z.string().min(1), isAdmin: z.boolean() });
export type Actor = z.infer<typeof ActorSchema>;

export const ArtifactRefSchema = z.object({
  artifactId: ArtifactIdSchema,
  artifactType: ArtifactTypeSchema,
  name: z.string().min(1),
}) satisfies z.ZodType<ArtifactRef>;

export const ManifestEntrySchema = z.object({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(SHA256_HEX_PATTERN),
}) satisfies z.ZodType<DomainManifestEntry>;
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;
