import type { RefusalReason } from '@modelguard/contracts';

/**
 * A fault of the request, not of the server. Domain code throws this (framework-free); the HTTP layer maps it to the
 * given status with the message as the body, so a client fault can never surface as a 5xx.
 */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Structured facts added to the JSON body next to `error` (for example the metrics that failed a gate). */
    readonly details: Readonly<Record<string, unknown>> = {},
    /**
     * Why the request is refused, for the security log (http/refusal-rule.ts): a 400 or 409 is audited only when
     * the thrower names a reason (hostile input, a download gate); 401/403/413/423/424/429 always are, classified by
     * status when no reason is named.
     */
    readonly reason?: RefusalReason,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}
