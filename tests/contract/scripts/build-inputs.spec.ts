import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Inputs = { newest: number; list: string };
interface BuildInputs {
  scanInputs(root: string): Inputs;
  isCurrent(stampFile: string, inputs: Inputs): boolean;
  writeStamp(stampFile: string, inputs: Inputs): void;
}
// A plain .mjs script (no types, outside every library), loaded as the build loads it.
const script = pathToFileURL(resolve(__dirname, '../../../scripts/build-inputs.mjs')).href;
let scan: BuildInputs['scanInputs'];
let current: BuildInputs['isCurrent'];
let stampWith: BuildInputs['writeStamp'];
beforeAll(async () => {
  ({ scanInputs: scan, isCurrent: current, writeStamp: stampWith } = (await import(script)) as BuildInputs);
});

describe('build staleness (scripts/build-inputs.mjs)', () => {
  let root: string;
  let stamp: string;
  const write = (path: string, text = 'export {};\n') => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    // Inputs older than the stamp written next, whatever the file system's time resolution.
    utimesSync(join(root, path), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  };
  const build = () => stampWith(stamp, scan(root));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mg-build-inputs-'));
    stamp = join(root, 'stamp');
    write('libs/a/src/index.ts');
    write('libs/a/src/a.spec.ts');
    write('package.json', '{}');
    build();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists sources and root files, not tests', () => {
    expect(scan(root).list.split('\n')).toEqual(['libs/a/src/index.ts', 'package.json']);
    expect(current(stamp, scan(root))).toBe(true);
  });

  it('is stale after an edit, an added, a removed or a renamed source', () => {
    write('libs/a/src/more.ts');
    expect(current(stamp, scan(root))).toBe(false);
    build();
    rmSync(join(root, 'libs/a/src/more.ts'));
    expect(current(stamp, scan(root))).toBe(false);
    build();
    renameSync(join(root, 'libs/a/src/index.ts'), join(root, 'libs/a/src/main.ts'));
    expect(current(stamp, scan(root))).toBe(false);
    build();
    writeFileSync(join(root, 'libs/a/src/main.ts'), 'export const x = 1;\n');
    expect(current(stamp, scan(root))).toBe(false);
  });

  it('stays current when something that is not an input appears beside the sources', () => {
    mkdirSync(join(root, 'libs/a/test/__pycache__'), { recursive: true });
    writeFileSync(join(root, 'libs/a/test/__pycache__/gen.cpython-311.pyc'), 'x');
    writeFileSync(join(root, 'libs/a/test/gen.py'), 'x');
    writeFileSync(join(root, 'libs/a/src/b.spec.ts'), 'x');
    expect(current(stamp, scan(root))).toBe(true);
  });

  it('is stale without a stamp', () => {
    rmSync(stamp);
    expect(current(stamp, scan(root))).toBe(false);
  });
});
