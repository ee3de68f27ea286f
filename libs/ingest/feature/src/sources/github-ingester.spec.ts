import { describe, expect, it } from 'vitest';
import { PackageError } from '@modelguard/packages';
import { zipballPathMapper } from './github-ingester';

describe('zipballPathMapper', () => {
  it("strips GitHub's single top folder", () => {
    const map = zipballPathMapper(null);
    expect(map('openai-whisper-c0d2f62/README.md')).toBe('README.md');
    expect(map('openai-whisper-c0d2f62/whisper/model.py')).toBe('whisper/model.py');
  });

  it('keeps one subdirectory, re-rooted', () => {
    const map = zipballPathMapper('distillation/');
    expect(map('o-r-1234567/README.md')).toBeNull();
    expect(map('o-r-1234567/distillation/train.py')).toBe('train.py');
    expect(map('o-r-1234567/distillation-extra/x.py')).toBeNull();
  });

  it('refuses archives with a second top-level entry', () => {
    const map = zipballPathMapper(null);
    map('o-r-1234567/a.py');
    expect(() => map('other-root/b.py')).toThrow(PackageError);
    expect(() => zipballPathMapper(null)('loose-file.txt')).toThrow(PackageError);
  });
});
