import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { initialiseInWorker, isInitialised } from './pglite-first-start';

/**
 * Where an embedded registry keeps its cluster templates: `$XDG_CACHE_HOME/modelguard/pglite-clusters`, else
 * `$HOME/.cache/modelguard/pglite-clusters`; null (no templates) without either.
 */
export function clusterTemplateRoot(env: NodeJS.ProcessEnv): string | null {
  const base = env['XDG_CACHE_HOME'] || (env['HOME'] ? join(env['HOME'], '.cache') : undefined);
  return base ? join(base, 'modelguard', 'pglite-clusters') : null;
}

export type ClusterOrigin = 'template' | 'initdb';

/**
 * Creates the database cluster in the empty directory `dataDir`, as a copy of a cached template when one can be
 * had, else with initdb on a worker thread.
 *
 * Why: initdb is most of an embedded registry's first start (about 5 s of the 7 s here, against 2 s to open an
 * existing cluster; bench/RESULTS.md, "Embedded: a new data directory from a template"), and its output depends only
 * on the PGlite build and the settings. So the first cluster made on a machine is kept under `templateRoot`, keyed by
 * both, and later new data directories (a second registry, every test that starts one) copy it. A template is built
 * in a private directory and renamed into place, so a template that exists is complete; the copy is made beside
 * `dataDir` and renamed too, so an interrupted copy never leaves a half cluster with a PG_VERSION. The cache is only
 * a shortcut: any failure to use it falls back to initdb.
 */
export async function createCluster(dataDir: string, settings: readonly string[], templateRoot: string | null): Promise<ClusterOrigin> {
  if (templateRoot !== null && isEmptyDir(dataDir)) {
    try {
      const template = await ensureTemplate(templateRoot, settings);
      const copy = `${dataDir}.copy-${randomBytes(6).toString('hex')}`;
      try {
        // Synchronous on purpose: 0.1 s for the 41 MB, 1,266-file cluster against 0.4 s for fs/promises' cp, and
        // nothing else runs yet while the database starts.
        cpSync(template, copy, { recursive: true, errorOnExist: true, force: false });
        await rm(dataDir, { recursive: true, force: true });
        await rename(copy, dataDir);
      } finally {
        await rm(copy, { recursive: true, force: true });
      }
      if (isInitialised(dataDir)) return 'template';
    } catch {
      // Fall through: an unwritable cache, a full disk, a race lost to a concurrent start cost only initdb's time.
    }
  }
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
  await initialiseInWorker(dataDir, settings);
  return 'initdb';
}

/** The template for this PGlite build and these settings, built now when missing. */
async function ensureTemplate(templateRoot: string, settings: readonly string[]): Promise<string> {
  const template = join(templateRoot, templateKey(settings));
  if (isInitialised(template)) return template;
  mkdirSync(templateRoot, { recursive: true, mode: 0o700 });
  const building = join(templateRoot, `.building-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(building);
    await initialiseInWorker(building, settings);
    // Another process may have finished the same template first: rename then fails, and theirs is as good.
    await rename(building, template).catch((err: NodeJS.ErrnoException) => {
      if (!isInitialised(template)) throw err;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return template;
}

/** `<PGlite version>-<hash of the settings>`: a new PGlite or other settings get a template of their own. */
export function templateKey(settings: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 12);
  return `pglite-${pgliteVersion()}-${digest}`;
}

let version: string | undefined;
/** The installed PGlite's version, from its package.json (the package exports no such subpath). */
function pgliteVersion(): string {
  if (version !== undefined) return version;
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === '@electric-sql/pglite' && typeof parsed.version === 'string') return (version = parsed.version);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the version of @electric-sql/pglite');
    dir = parent;
  }
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}
