import { describe, expect, it } from 'vitest';
import { assignedVersion, parseVersionQuery, versionMatches } from './version-query';

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
