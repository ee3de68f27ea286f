import { describe, expect, it } from 'vitest';
import { backoffDelay } from './retry-policy';

describe('backoffDelay', () => {
  it('grows exponentially within ±20 % jitter and respects the cap', () => {
    const policy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 };
    for (let i = 0; i < 50; i++) {
      expect(backoffDelay(policy, 1)).toBeGreaterThanOrEqual(80);
      expect(backoffDelay(policy, 1)).toBeLessThanOrEqual(120);
      expect(backoffDelay(policy, 3)).toBeGreaterThanOrEqual(320);
      expect(backoffDelay(policy, 3)).toBeLessThanOrEqual(480);
      expect(backoffDelay(policy, 10)).toBeLessThanOrEqual(1_200);
    }
  });
});
