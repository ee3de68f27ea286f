// What `scripts/build.mjs` compiles from, and whether dist/ was built from exactly that. A build stamp holds the
// time the build finished, then the list of inputs it saw: a newer input, or an input added, removed or renamed,
// makes dist/ stale. Folder times are not used: a tool writing beside the sources (Python's __pycache__ under a
// test folder, an editor's swap file) must not force a rebuild, and in CI it cost a 30 s rebuild mid-suite.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE_DIRS = ['apps', 'libs', 'bin'];
const ROOT_INPUTS = ['tsconfig.base.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.nx', '__snapshots__', '__pycache__']);
// Non-TS files tsc may emit (resolveJsonModule) or that a source folder holds; tests do not affect dist.
const isInput = (name) => /\.(ts|tsx|json|css|html|mjs)$/.test(name) && !/\.(spec|int-spec|e2e-spec|test)\.ts$/.test(name);

/** Every input file under `root` (relative paths, sorted, one per line) and the newest mtime (ms) among them. */
export function scanInputs(root) {
  let newest = 0;
  const files = [];
  const add = (path) => {
    newest = Math.max(newest, statSync(path).mtimeMs);
    files.push(relative(root, path));
  };
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) visit(path);
      else if (entry.isFile() && isInput(entry.name)) add(path);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of ROOT_INPUTS) if (existsSync(join(root, file))) add(join(root, file));
  return { newest, list: files.sort().join('\n') };
}

/** Whether the stamp is newer than every input and lists exactly these inputs. */
export function isCurrent(stampFile, inputs) {
  if (!existsSync(stampFile) || statSync(stampFile).mtimeMs <= inputs.newest) return false;
  const [, ...listed] = readFileSync(stampFile, 'utf8').split('\n');
  return listed.join('\n') === inputs.list;
}

export function writeStamp(stampFile, inputs) {
  writeFileSync(stampFile, `${new Date().toISOString()}\n${inputs.list}`);
}
