import { describe, expect, it } from 'vitest';
import { countFindings, toRegistryVerdict, worstVerdict } from './verdict';

describe('worstVerdict', () => {
  it('is clean for a package without files', () => {
    expect(worstVerdict([])).toBe('clean');
  });

  it('picks the most severe verdict, ranking unscannable above suspicious', () => {
    expect(worstVerdict(['clean', 'suspicious', 'clean'])).toBe('suspicious');
    expect(worstVerdict(['suspicious', 'unscannable'])).toBe('unscannable');
    expect(worstVerdict(['unscannable', 'malicious', 'clean'])).toBe('malicious');
  });
});

describe('toRegistryVerdict', () => {
  it.each([
    ['clean', 'clean'],
    ['suspicious', 'flagged'],
    ['malicious', 'blocked'],
    ['unscannable', 'blocked'],
  ] as const)('maps %s to %s', (scanner, registry) => {
    expect(toRegistryVerdict(scanner)).toBe(registry);
  });
});

describe('countFindings', () => {
  it('counts per severity and treats unknown severities as critical', () => {
    const counts = countFindings([{ severity: 'INFO' }, { severity: 'CRITICAL' }, { severity: 'WARNING' }, { severity: 'bogus' }]);
    expect(counts).toEqual({ info: 1, warning: 1, error: 0, critical: 2 });
  });

  it('accumulates into an existing tally', () => {
    const counts = countFindings([{ severity: 'ERROR' }], { info: 2, warning: 0, error: 1, critical: 0 });
    expect(counts).toEqual({ info: 2, warning: 0, error: 2, critical: 0 });
  });
});
