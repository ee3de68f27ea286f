import { describe, expect, it } from 'vitest';
import { compareReleaseVersions, parseReleaseVersion, releaseVersionProblem } from './release-version';

describe('release versions', () => {
  it.each([
    ['1.2.0', '1.2.0'],
    ['v1.2.0', '1.2.0'],
    ['0.0.1', '0.0.1'],
    ['v2.0.0-rc.1', '2.0.0-rc.1'],
    [`v1.0.0-${'a'.repeat(58)}`, `1.0.0-${'a'.repeat(58)}`],
  ])('%s is %s', (raw, canonical) => expect(parseReleaseVersion(raw)).toBe(canonical));

  it.each(['', 'main', '1.2', 'V1.2.0', 'vv1.2.0', '=1.2.0', ' 1.2.0', '1.2.0 ', '01.2.0', '1.2.0+build.5', 'release-1.0.0', `1.0.0-${'a'.repeat(59)}`, 3, null])(
    'refuses %j',
    (raw) => {
      expect(parseReleaseVersion(raw)).toBeNull();
      expect(releaseVersionProblem(raw)).toMatch(/version/);
    },
  );

  it('orders by semver, pre-releases before their release', () => {
    expect(['1.10.0', '1.2.0', '2.0.0-rc.1', '2.0.0'].sort(compareReleaseVersions)).toEqual(['1.2.0', '1.10.0', '2.0.0-rc.1', '2.0.0']);
  });
});
