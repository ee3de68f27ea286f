import { z } from 'zod';
import { ActorSchema, ArtifactRefSchema } from '../common';

/** An artifact was registered (created) in the registry. Producer: gateway. */
export const ArtifactCreatedV1 = ArtifactRefSchema.extend({
  url: z.string().min(1),
  version: z.string().min(1),
  actor: ActorSchema,
});
export type ArtifactCreatedV1 = z.infer<typeof ArtifactCreatedV1>;

/** New content was stored as a new immutable version. Producer: gateway. */
export const ArtifactUpdatedV1 = ArtifactRefSchema.extend({
  url: z.string().min(1),
  version: z.string().min(1),
  actor: ActorSchema,
});
export type ArtifactUpdatedV1 = z.infer<typeof ArtifactUpdatedV1>;

/** An artifact (all of its versions) was deleted. Producer: gateway. */
export const ArtifactDeletedV1 = ArtifactRefSchema.extend({ actor: ActorSchema });
export type ArtifactDeletedV1 = z.infer<typeof ArtifactDeletedV1>;

/** A package (or a part of it) was downloaded. Producer: gateway. */
export const ArtifactDownloadedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  part: z.string().min(1),
  actor: ActorSchema,
});
export type ArtifactDownloadedV1 = z.infer<typeof ArtifactDownloadedV1>;

/** The registry was reset to empty. Producer: gateway. Consumers drop their read models. */
export const RegistryResetV1 = z.object({ actor: ActorSchema, resetAt: z.string().datetime({ offset: true }) });
export type RegistryResetV1 = z.infer<typeof RegistryResetV1>;
