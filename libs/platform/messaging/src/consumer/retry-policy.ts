import { backoffDelay } from '@modelguard/jobs';

export interface RetryPolicy {
  /** Retries after the first attempt (0 = dead-letter on the first failure). */
  attempts: number;
  initialDelayMs: number;
  /** Upper bound of one delay: a Kafka partition is blocked while we wait, so keep it short. */
  maxDelayMs?: number;
}

export const RETRY_POLICY = Symbol.for('modelguard.messaging.retry-policy');

const DEFAULT_MAX_DELAY_MS = 10_000;

/** Wait before redelivering to a handler: ±20 % jitter so replicas that failed together do not retry together. */
export function redeliveryDelay(policy: RetryPolicy, attempt: number): number {
  return backoffDelay({ initialMs: policy.initialDelayMs, maxMs: policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, jitter: 0.2 }, attempt);
}
