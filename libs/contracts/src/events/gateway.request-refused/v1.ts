import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema, ArtifactIdSchema, ArtifactTypeSchema } from '../../common';

/**
 * Why a request was refused. Throwers name the reason (the gateway's ClientError carries one); a refusal without a
 * named reason is classified by its status (`forbidden`, `too-large`, `rate-limited`, `refused`). `flood` marks one
 * entry standing for refusals beyond the gateway's per-window recording budget.
 */
export const REFUSAL_REASONS = [
  'unauthenticated',
  'invalid-token',
  'bad-credentials',
  'forbidden',
  'forbidden-permission',
  'forbidden-ownership',
  'scan-gate',
  'rating-gate',
  'gate-pending',
  'monitor-program',
  'rate-limited',
  'login-throttled',
  'ssrf',
  'hostile-input',
  'too-large',
  'refused',
  'flood',
] as const;
export const RefusalReasonSchema = z.enum(REFUSAL_REASONS);
export type RefusalReason = z.infer<typeof RefusalReasonSchema>;

/** Bounds: a refusal is a small fact, never an echo of what the client sent. */
export const REFUSAL_MESSAGE_MAX = 300;
export const REFUSAL_ROUTE_MAX = 200;
export const REFUSAL_ADDRESS_MAX = 64;

/**
 * The gateway answered a request with a refusal (a 4xx of the audited kinds, see the gateway's refusal rule).
 * Producer: gateway (its own small transaction, coalesced per identity or address and reason). Consumer: audit
 * (REFUSE entry). Never carries a token, password or body: the route is the template, not the raw URL.
 */
export const RequestRefusedV1 = z.object({
  /** The verified caller; null when the request had no valid token (anonymous). */
  actor: ActorSchema.extend({ name: z.string().min(1).max(256) }).nullable(),
  clientAddress: z.string().max(REFUSAL_ADDRESS_MAX),
  method: z.string().regex(/^[A-Z]{1,10}$/),
  /** Route template (`/artifacts/:artifact_type/:id`), or a coarse `/first-segment/*` when no route matched. */
  route: z.string().min(1).max(REFUSAL_ROUTE_MAX),
  /** The artifact the route names, when it names a well-formed one. */
  artifact: z.object({ id: ArtifactIdSchema, type: ArtifactTypeSchema.nullable() }).nullable(),
  status: z.number().int().min(400).max(499),
  reason: RefusalReasonSchema,
  /** The client-facing error message, truncated and scrubbed of credentials. */
  message: z.string().max(REFUSAL_MESSAGE_MAX),
  /**
   * Coalesced repeats (same identity or address, same reason) this entry stands for beyond the one whose facts it
   * carries: every entry stands for `1 + suppressed` refusals answered.
   */
  suppressed: z.number().int().nonnegative(),
});
export type RequestRefusedV1 = z.infer<typeof RequestRefusedV1>;

export const RequestRefusedEvent = defineEvent({
  name: 'RequestRefused',
  topic: 'gateway.request-refused.v1',
  schema: RequestRefusedV1,
  summary: 'the gateway refused a request (auth, permission, ownership, gate, rate limit, hostile input)',
  producers: ['gateway'],
  consumers: ['audit'],
});
