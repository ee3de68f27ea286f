import { describe, expect, it } from 'vitest';
import { assignedVersion, nextAssignedVersion, parseRequestedVersion, parseVersionQuery, pickExactVersion, shownVersion, versionMatches } from './version-query';

const versions = ['1.0.0', '1.2.0', '1.2.3', '1.2.9', '1.3.0', '2.0.0', '2.1.0', '2.1.1', '0.1.5', '0.2.0'];
const select = (q: string): string[] => versions.filter((v) => versionMatches(v, parseVersionQuery(q)));

describe('version queries (npm semver meaning)', () => {
  it('exact', () => expect(select('1.2.3')).toEqual(['1.2.3']));
  it('bounded range is inclusive at both ends', () => expect(select('1.2.3-2.1.0')).toEqual(['1.2.3', '1.2.9', '1.3.0', '2.0.0', '2.1.0']));
  it('tilde allows patch changes', () => expect(select('~1.2.0')).toEqual(['1.2.0', '1.2.3', '1.2.9']));
  it('caret allows minor changes', () => expect(select('^1.2.0')).toEqual(['1.2.0', '1.2.3', '1.2.9', '1.3.0']));
  it('caret on 0.x is minor-locked', () => expect(select('^0.1.0')).toEqual(['0.1.5']));
  it.each(['', '1.2', '>=1.0.0', '2.0.0-1.0.0', 'x'.repeat(200), '1.2.3 || 9.9.9'])('rejects %j', (q) => expect(() => parseVersionQuery(q)).toThrow(/version query|bounded range/));
  it('assigns 1.0.0, 1.0.1, …', () => expect([0, 1, 2].map(assignedVersion)).toEqual(['1.0.0', '1.0.1', '1.0.2']));
  it('never matches a non-semver stored version', () => expect(versionMatches('main', parseVersionQuery('^1.0.0'))).toBe(false));
});

describe('version names: key, label and the counter', () => {
  const row = (ordinal: number, version: string, versionLabel: string | null = null) => ({ ordinal, version, versionLabel });

  it('shows the label when the source gave one, else the key', () => {
    expect(shownVersion(row(0, '1.0.0', '2.3.0'))).toBe('2.3.0');
    expect(shownVersion(row(0, '1.0.0'))).toBe('1.0.0');
  });

  it('counts past versions already taken as keys or labels', () => {
    expect(nextAssignedVersion(1, new Set(['1.0.0']))).toBe('1.0.1');
    expect(nextAssignedVersion(1, new Set(['1.0.0', '1.0.1', '1.0.2']))).toBe('1.0.3');
  });

  it('accepts an upload version with or without "v", none, or answers 400', () => {
    expect(parseRequestedVersion('v2.1.0')).toBe('2.1.0');
    expect(parseRequestedVersion('2.1.0-beta.1')).toBe('2.1.0-beta.1');
    expect(parseRequestedVersion(undefined)).toBeNull();
    expect(parseRequestedVersion('')).toBeNull();
    for (const bad of ['latest', '2.1', '2.1.0+b', ['1.0.0', '2.0.0'], '1'.repeat(70)]) {
      expect(() => parseRequestedVersion(bad)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it('selects exactly by the shown version (latest of equal labels), then by key', () => {
    const rows = [row(0, '1.0.0', '1.1.0'), row(1, '1.0.1'), row(2, '1.0.2', '1.1.0'), row(3, '3.0.0')];
    expect(pickExactVersion(rows, '1.1.0')?.ordinal).toBe(2);
    expect(pickExactVersion(rows, 'v1.1.0')?.ordinal).toBe(2);
    expect(pickExactVersion(rows, '1.0.1')?.ordinal).toBe(1);
    // A key hidden behind its label still answers: keys are what events and headers carry.
    expect(pickExactVersion(rows, '1.0.0')?.ordinal).toBe(0);
    expect(pickExactVersion(rows, 'v3.0.0')?.ordinal).toBe(3);
    expect(pickExactVersion(rows, '9.9.9')).toBeNull();
  });

  it('a label and another version\'s key that read the same: the later version wins', () => {
    const rows = [row(0, '1.0.0', '1.0.1'), row(1, '1.0.1')];
    expect(pickExactVersion(rows, '1.0.1')?.ordinal).toBe(1);
    expect(pickExactVersion([row(0, '1.0.1'), row(1, '1.0.2', '1.0.1')], '1.0.1')?.ordinal).toBe(1);
  });
});
