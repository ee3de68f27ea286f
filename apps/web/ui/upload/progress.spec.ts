import { describe, expect, it } from 'vitest';
import { addSample, figures, WINDOW_MS, type Sample } from './progress';

describe('upload progress figures', () => {
  it('has no rate until the samples span 200 ms, then derives rate and time left from the window', () => {
    let samples: Sample[] = addSample([], { at: 0, bytes: 0 });
    expect(figures(samples, 1000).rate).toBeUndefined();
    samples = addSample(samples, { at: 100, bytes: 50 });
    expect(figures(samples, 1000).secondsLeft).toBeUndefined();
    samples = addSample(samples, { at: 1000, bytes: 500 });
    const f = figures(samples, 1000);
    expect(f.sent).toBe(500);
    expect(f.rate).toBeCloseTo(500);
    expect(f.secondsLeft).toBeCloseTo(1);
  });

  it('forgets samples older than the window, so a stall shows as a lower rate', () => {
    let samples: Sample[] = [];
    samples = addSample(samples, { at: 0, bytes: 0 });
    samples = addSample(samples, { at: 1000, bytes: 10_000 });
    samples = addSample(samples, { at: 1000 + WINDOW_MS, bytes: 10_100 });
    expect(samples).toHaveLength(2);
    expect(figures(samples, 20_000).rate).toBeCloseTo(100 / (WINDOW_MS / 1000));
  });
});
