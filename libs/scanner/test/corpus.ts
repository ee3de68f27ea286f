import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface CorpusEntry {
  file: string;
  expect: 'clean' | 'suspicious' | 'malicious' | 'unscannable';
  rule: string | null;
  note: string;
}

export const REPO_ROOT = resolve(__dirname, '../../..');

/** Generates the fixture corpus (python3, stdlib only) into a git-ignored directory and returns its manifest. */
export function generateCorpus(name = 'scanner-corpus'): { dir: string; entries: CorpusEntry[] } {
  const dir = join(REPO_ROOT, 'tmp', `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  execFileSync('python3', [join(REPO_ROOT, 'tests/fixtures/scanner/generate.py'), dir], { stdio: 'pipe' });
  const entries = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];
  return { dir, entries };
}
