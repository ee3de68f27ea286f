import { SHA256_HEX_PATTERN } from '@modelguard/domain';
import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** What changed: the model was (un)marked sensitive, or its monitor program was attached, replaced or removed. */
export const SENSITIVITY_CHANGES = ['marked', 'unmarked', 'program-attached', 'program-removed'] as const;

/**
 * A model's sensitive flag or monitor program changed. Producer: gateway. Consumers: audit (UPDATE entry); gateway (seals the blobs of a model marked sensitive). The
 * program itself stays in the blob store; its content address is carried so the trail names exactly which code ran.
 */
export const SensitivityChangedV1 = ArtifactRefSchema.extend({
  change: z.enum(SENSITIVITY_CHANGES),
  /** sha256 of the program attached after the change; null when there is none. */
  programSha256: z.string().regex(SHA256_HEX_PATTERN).nullable(),
  actor: ActorSchema,
});
export type SensitivityChangedV1 = z.infer<typeof SensitivityChangedV1>;

export const SensitivityChangedEvent = defineEvent({
  name: 'SensitivityChanged',
  topic: 'registry.sensitivity-changed.v1',
  schema: SensitivityChangedV1,
  summary: "a model's sensitive flag or monitor program changed",
  producers: ['gateway'],
  consumers: ['audit', 'gateway'],
});
