import { describe, expect, it } from 'vitest';
import { pickVersionTag } from './hf-version-tag';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const tag = (name: string, targetCommit = HEAD) => ({ name, targetCommit });

describe('pickVersionTag', () => {
  it('takes a v-prefixed or bare semver tag on the commit, as written', () => {
    expect(pickVersionTag([tag('v1.2.0')], HEAD)).toBe('v1.2.0');
    expect(pickVersionTag([tag('1.2.0')], HEAD)).toBe('1.2.0');
  });

  it('ignores tags that are not versions', () => {
    expect(pickVersionTag([tag('main-backup'), tag('release'), tag('1.2'), tag('v1.2.0+build'), tag('V1.0.0')], HEAD)).toBeNull();
  });

  it('ignores a tag on another commit, however high', () => {
    expect(pickVersionTag([tag('v9.0.0', OLD), tag('v1.0.0')], HEAD)).toBe('v1.0.0');
    expect(pickVersionTag([tag('v9.0.0', OLD)], HEAD)).toBeNull();
  });

  it('takes the highest of several tags on the commit, in semver order', () => {
    expect(pickVersionTag([tag('v1.9.0'), tag('1.10.0'), tag('v1.10.0-rc.1'), tag('nightly')], HEAD)).toBe('1.10.0');
    expect(pickVersionTag([tag('v2.0.0-rc.1'), tag('v1.0.0')], HEAD)).toBe('v2.0.0-rc.1');
  });

  it('no tags, no version', () => expect(pickVersionTag([], HEAD)).toBeNull());
});
