import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { generateContent, GeneratedFormat, gitBlobSha1, lfsPointer, sha256Hex } from './generated-content';

/** One file of a fake repository, with the identifiers the real services report for it. */
export interface FakeFile {
  path: string;
  data: Buffer;
  /** Stored through git LFS upstream (served via a CDN redirect, `lfs` block in the tree listing). */
  lfs: boolean;
  sha256: string;
  gitOid: string;
}

/** A repository definition that tests can write inline instead of using a recorded fixture. */
export interface FakeRepoSpec {
  id: string;
  sha?: string;
  aliases?: string[];
  info?: Record<string, unknown>;
  /** Regular (git) files. */
  files?: Record<string, string | Buffer>;
  /** Large files generated deterministically and stored as LFS objects. */
  generated?: Array<{ path: string; size: number; format?: GeneratedFormat }>;
  /** Listed in the tree with these sizes but never served (for huge datasets). */
  virtual?: Array<{ path: string; size: number }>;
  /** Git tags (`/refs`); `commit` defaults to the served `sha`, another value is an older commit. */
  tags?: Array<{ name: string; commit?: string }>;
}

export interface FakeRepo {
  id: string;
  sha: string;
  aliases: string[];
  info: Record<string, unknown>;
  files: FakeFile[];
  virtual: Array<{ path: string; size: number }>;
  tags: Array<{ name: string; commit: string }>;
}

/** tests/fixtures/upstreams, found by walking up from this file so it works from any cwd. */
export function fixturesRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'tests', 'fixtures', 'upstreams');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tests/fixtures/upstreams not found above ' + __dirname);
    dir = parent;
  }
}

function walk(dir: string, root: string, out: Record<string, Buffer>): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, root, out);
    else if (name !== '_repo.json') out[relative(root, full).split('\\').join('/')] = readFileSync(full);
  }
}

/** Reads a recorded fixture directory (`_repo.json` plus the repository's small files). */
export function readFixtureSpec(dir: string): FakeRepoSpec {
  const spec = JSON.parse(readFileSync(join(dir, '_repo.json'), 'utf8')) as FakeRepoSpec;
  const files: Record<string, Buffer> = {};
  const filesDir = existsSync(join(dir, 'files')) ? join(dir, 'files') : dir;
  walk(filesDir, filesDir, files);
  return { ...spec, files: { ...files, ...(spec.files ?? {}) } };
}

export function loadHfFixture(kind: 'models' | 'datasets', id: string): FakeRepoSpec {
  return readFixtureSpec(join(fixturesRoot(), 'huggingface', kind, id.replace('/', '__')));
}

export function listHfFixtures(kind: 'models' | 'datasets'): string[] {
  return readdirSync(join(fixturesRoot(), 'huggingface', kind)).map((d) => d.replace('__', '/'));
}

function fakeSha(id: string): string {
  return gitBlobSha1(Buffer.from(`commit for ${id}`));
}

/** Materialises a spec: text files as git blobs, generated files as LFS objects, all with their digests. */
export function buildRepo(spec: FakeRepoSpec): FakeRepo {
  const files: FakeFile[] = [];
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    files.push({ path, data, lfs: false, sha256: sha256Hex(data), gitOid: gitBlobSha1(data) });
  }
  for (const gen of spec.generated ?? []) {
    const data = generateContent(spec.id, gen.path, gen.size, gen.format ?? 'raw');
    const sha256 = sha256Hex(data);
    files.push({ path: gen.path, data, lfs: true, sha256, gitOid: gitBlobSha1(lfsPointer(sha256, data.length)) });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const sha = spec.sha ?? fakeSha(spec.id);
  const tags = (spec.tags ?? []).map((t) => ({ name: t.name, commit: t.commit ?? sha }));
  return { id: spec.id, sha, aliases: spec.aliases ?? [], info: spec.info ?? {}, files, virtual: spec.virtual ?? [], tags };
}
