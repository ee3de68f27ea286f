import { describe, expect, it } from 'vitest';
import { redeliveryDelay } from './retry-policy';

describe('redeliveryDelay', () => {
  it('grows exponentially within ±20 % jitter and respects the cap', () => {
    const policy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 };
    for (let i = 0; i < 50; i++) {
      expect(redeliveryDelay(policy, 1)).toBeGreaterThanOrEqual(80);
      expect(redeliveryDelay(policy, 1)).toBeLessThanOrEqual(120);
      expect(redeliveryDelay(policy, 3)).toBeGreaterThanOrEqual(320);
      expect(redeliveryDelay(policy, 3)).toBeLessThanOrEqual(480);
      expect(redeliveryDelay(policy, 10)).toBeLessThanOrEqual(1_200);
    }
  });

  it('caps one wait at 10 s when the policy names no cap', () => {
    expect(redeliveryDelay({ attempts: 50, initialDelayMs: 1_000 }, 30)).toBeLessThanOrEqual(12_000);
  });
});
