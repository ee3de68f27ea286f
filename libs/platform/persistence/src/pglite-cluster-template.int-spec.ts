import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres';
import { clusterTemplateRoot, createCluster, templateKey } from './pglite-cluster-template';
import { isInitialised } from './pglite-first-start';

const SETTINGS = ['-c', 'shared_buffers=16MB'];

async function withDatabase<T>(dataDir: string, templates: string | null, use: (client: Client) => Promise<T>): Promise<T> {
  const pg = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: templates });
  const client = new Client({ connectionString: pg.url });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
    await pg.stop();
  }
}

describe('new embedded data directories from a cached cluster template', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mg-cluster-template-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('builds the template once under concurrent first starts, and every copy is a cluster of its own', async () => {
    const templates = join(scratch, 'templates');
    const origins = await Promise.all([
      createCluster(join(scratch, 'a'), SETTINGS, templates),
      createCluster(join(scratch, 'b'), SETTINGS, templates),
    ]);
    expect(origins).toEqual(['template', 'template']);
    // One complete template; the loser's build directory is gone.
    expect(readdirSync(templates)).toEqual([templateKey(SETTINGS)]);
    expect(await createCluster(join(scratch, 'c'), SETTINGS, templates)).toBe('template');
    for (const dir of ['a', 'b', 'c']) expect(isInitialised(join(scratch, dir))).toBe(true);
    expect(readdirSync(scratch).filter((name) => name.includes('.copy-'))).toEqual([]);

    // Through the embedded database, as the registry opens it: a write in one copy is not in another, nor in the template.
    const first = join(scratch, 'registry-1');
    const second = join(scratch, 'registry-2');
    await withDatabase(first, templates, async (db) => {
      await db.query('CREATE TABLE notes (note text)');
      await db.query("INSERT INTO notes VALUES ('only in the first')");
    });
    await withDatabase(second, templates, async (db) => {
      const found = await db.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'notes'");
      expect(found.rows).toEqual([{ n: 0 }]);
    });
    const kept = await withDatabase(first, templates, async (db) => (await db.query('SELECT note FROM notes')).rows);
    expect(kept).toEqual([{ note: 'only in the first' }]);
    expect(isInitialised(join(templates, templateKey(SETTINGS)))).toBe(true);
  }, 120_000);

  it('runs initdb when the cache cannot be used, or the directory is not empty', async () => {
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, 'not a directory');
    // Something already in the directory (an interrupted earlier start): not replaced by a copy.
    const occupied = join(scratch, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'left-behind'), '');
    // Both at once: each runs a whole initdb.
    const origins = await Promise.all([
      createCluster(join(scratch, 'no-cache'), SETTINGS, join(blocker, 'templates')),
      createCluster(occupied, SETTINGS, join(scratch, 'templates-2')),
    ]);
    expect(origins).toEqual(['initdb', 'initdb']);
    expect(isInitialised(join(scratch, 'no-cache'))).toBe(true);
    expect(readdirSync(join(scratch)).includes('templates-2')).toBe(false);
  }, 120_000);

  it('keys templates by PGlite build and settings, and finds the cache from the environment', () => {
    expect(templateKey(SETTINGS)).toMatch(/^pglite-\d+\.\d+\.\d+[^/]*-[0-9a-f]{12}$/);
    expect(templateKey(['-c', 'shared_buffers=32MB'])).not.toBe(templateKey(SETTINGS));
    expect(clusterTemplateRoot({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/modelguard/pglite-clusters');
    expect(clusterTemplateRoot({ HOME: '/h' })).toBe('/h/.cache/modelguard/pglite-clusters');
    expect(clusterTemplateRoot({})).toBeNull();
  });
});
