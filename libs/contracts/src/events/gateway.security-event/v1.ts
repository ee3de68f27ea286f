import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactRefSchema } from '../../common';

/** The security-relevant account and credential changes the gateway reports (only those it actually publishes). */
export const SECURITY_ACTIONS = ['SIGN_IN', 'SIGN_OUT', 'TOKEN_REVOKE', 'USER_CREATE', 'USER_DELETE', 'HF_TOKEN_CREATE', 'HF_TOKEN_REVOKE', 'UPLOADER_KEY_ADD', 'UPLOADER_KEY_REVOKE', 'QUOTA_SET', 'SIGNING_KEY_GENERATE', 'SIGNING_KEY_ROTATE', 'SCANNER_POLICY_SET', 'SIGNING_KEY_USE', 'PERFORMANCE_WORKLOAD_RUN', 'RELEASE_REQUEST', 'RELEASE_APPROVE', 'RELEASE_REJECT', 'RELEASE_EXPIRE'] as const;
export const SecurityActionSchema = z.enum(SECURITY_ACTIONS);
export type SecurityAction = z.infer<typeof SecurityActionSchema>;

export const SECURITY_SUBJECT_MAX = 256;
export const SECURITY_DETAIL_MAX = 200;

/**
 * A sign-in, sign-out, token revocation or account change. Producer: gateway (through its outbox, in the change's
 * own transaction where the change is transactional). Consumer: audit (an entry of the chain with the action).
 * `subject` names what was acted on (a user name, a token id): never a password, a token or any other secret.
 */
export const SecurityEventV1 = z.object({
  occurredAt: z.string().datetime({ offset: true }),
  /** Who acted; null only when nobody did (RELEASE_EXPIRE: a promotion request's time ran out). */
  actor: ActorSchema.extend({ name: z.string().min(1).max(256) }).nullable(),
  action: SecurityActionSchema,
  subject: z.string().min(1).max(SECURITY_SUBJECT_MAX),
  detail: z.string().max(SECURITY_DETAIL_MAX).optional(),
  /** The artifact acted on, when there is one (SIGNING_KEY_USE: the model whose version the key signed; RELEASE_*: the model released). */
  artifact: ArtifactRefSchema.optional(),
});
export type SecurityEventV1 = z.infer<typeof SecurityEventV1>;

export const SecurityEventEvent = defineEvent({
  name: 'SecurityEvent',
  topic: 'gateway.security-event.v1',
  schema: SecurityEventV1,
  summary: 'a sign-in, sign-out, token revocation, user creation or deletion, signing-key generation, rotation or use, or a release request, approval, rejection or expiry at the gateway',
  producers: ['gateway'],
  consumers: ['audit'],
});
