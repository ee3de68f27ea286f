export interface RetryPolicy {
  /** Retries after the first attempt (0 = dead-letter on the first failure). */
  attempts: number;
  initialDelayMs: number;
  /** Upper bound of one delay: a Kafka partition is blocked while we wait, so keep it short. */
  maxDelayMs?: number;
}

export const RETRY_POLICY = Symbol.for('modelguard.messaging.retry-policy');

/** Exponential backoff with ±20 % jitter so replicas that failed together do not retry together. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const base = policy.initialDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(base, policy.maxDelayMs ?? 10_000);
  return Math.round(capped * (0.8 + Math.random() * 0.4));
}
