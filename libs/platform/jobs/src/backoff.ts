/** How the wait between attempts grows. */
export interface Backoff {
  /** Wait before the first retry; each further retry doubles it. */
  initialMs: number;
  /** Upper bound of one wait (no bound when absent). */
  maxMs?: number;
  /**
   * Fraction of the wait added or removed at random (0.2 = ±20 %), so replicas that failed together do not
   * retry together. 0 when absent: deterministic waits.
   */
  jitter?: number;
}

/**
 * Exponential backoff: the wait before retry number `attempt` (1 = the first retry, after the first failure) is
 * `initialMs × 2^(attempt − 1)`, capped at `maxMs`, then spread by `jitter`. Every retrying loop in the house
 * (job retries, event redelivery, the outbox relay, blob reads, cache reconnects) takes its waits from here.
 */
export function backoffDelay(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const capped = Math.min(backoff.initialMs * 2 ** exponent, backoff.maxMs ?? Number.POSITIVE_INFINITY);
  const jitter = backoff.jitter ?? 0;
  if (jitter === 0) return capped;
  return Math.round(capped * (1 - jitter + 2 * jitter * random()));
}
