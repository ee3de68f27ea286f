import { z } from 'zod';

export const ArtifactTypeSchema = z.enum(['model', 'dataset', 'code']);
export type ArtifactType = z.infer<typeof ArtifactTypeSchema>;

/** Matches the OpenAPI ArtifactID pattern. */
export const ArtifactIdSchema = z.string().regex(/^[a-zA-Z0-9-]+$/).max(128);

export const ActorSchema = z.object({ name: z.string().min(1), isAdmin: z.boolean() });
export type Actor = z.infer<typeof ActorSchema>;

export const ArtifactRefSchema = z.object({
  artifactId: ArtifactIdSchema,
  artifactType: ArtifactTypeSchema,
  name: z.string().min(1),
});

export const ManifestEntrySchema = z.object({
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;
