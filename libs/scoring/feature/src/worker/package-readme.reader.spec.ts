import { describe, expect, it } from 'vitest';
import { readmeEntryOf } from './package-readme.reader';

const entry = (path: string) => ({ path, size: 10, sha256: 'a'.repeat(64) });

describe('readmeEntryOf', () => {
  it("picks the package's own README (any case), the shallowest when there are several", () => {
    expect(readmeEntryOf([entry('docs/README.md'), entry('readme.MD'), entry('model.bin')])?.path).toBe('readme.MD');
    expect(readmeEntryOf([entry('b/x/README.md'), entry('a/README.md')])?.path).toBe('a/README.md');
    expect(readmeEntryOf([entry('README.txt'), entry('notREADME.md')])).toBeUndefined();
  });
});
