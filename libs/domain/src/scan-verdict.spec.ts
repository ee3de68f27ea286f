import { describe, expect, it } from 'vitest';
import { FINDING_SEVERITIES, emptyFindingCounts, isScanVerdict } from './scan-verdict';

describe('scan verdicts', () => {
  it.each(['clean', 'flagged', 'blocked'])('%s is a registry verdict', (v) => expect(isScanVerdict(v)).toBe(true));
  it.each(['pending', 'malicious', 'suspicious', 'unscannable', ''])('%s is not', (v) => expect(isScanVerdict(v)).toBe(false));

  it('count every severity from zero, each tally a fresh object', () => {
    const a = emptyFindingCounts();
    a.critical += 1;
    expect(Object.keys(emptyFindingCounts())).toEqual([...FINDING_SEVERITIES]);
    expect(emptyFindingCounts()).toEqual({ info: 0, warning: 0, error: 0, critical: 0 });
  });
});
