import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { clusterTemplateRoot } from './pglite-cluster-template';
import { runInTransaction } from './run-in-transaction';
import { schemaOf } from './schema-name';
import { buildServiceDataSource, migrateServiceSchema } from './service-data-source';

class Things1700000000100 implements MigrationInterface {
  name = 'Things1700000000100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "${schemaOf(q)}"."thing" (id serial PRIMARY KEY, label text NOT NULL UNIQUE)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${schemaOf(q)}"."thing"`);
  }
}

async function open(url: string, schema: string): Promise<DataSource> {
  const ds = buildServiceDataSource({ url, schema, entities: [], migrations: [Things1700000000100], poolSize: 4 });
  await ds.initialize();
  await migrateServiceSchema(ds);
  return ds;
}

describe('embedded Postgres (PGlite behind its wire server, real pg driver)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-pglite-'));
  let pg: EmbeddedPostgres;
  let a: DataSource;
  let b: DataSource;

  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env) });
    [a, b] = await Promise.all([open(pg.url, 'svc_a'), open(pg.url, 'svc_b')]);
  });

  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs each service migrations in its own schema with its own migrations table', async () => {
    const rows = (await a.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('svc_a','svc_b') ORDER BY 1, 2`)) as Array<{ table_schema: string; table_name: string }>;
    expect(rows.map((r) => `${r.table_schema}.${r.table_name}`)).toEqual(['svc_a.migrations', 'svc_a.thing', 'svc_b.migrations', 'svc_b.thing']);
    // Booting again (a second replica) finds nothing to do.
    await migrateServiceSchema(a);
    expect(await a.query(`SELECT count(*)::int AS n FROM svc_a.migrations`)).toEqual([{ n: 1 }]);
  });

  it('keeps many concurrent parameterised queries from two pools apart (one shared PGlite session)', async () => {
    // Parameterised queries use the extended protocol (Parse/Bind/Execute/Sync); BEGIN and parameterless
    // queries the simple one, whose Query message discards the session's unnamed statement and may open a
    // transaction in between. Mixing them on several connections is what breaks an unguarded session.
    const work = Array.from({ length: 120 }, (_, i) => {
      const ds = i % 2 === 0 ? a : b;
      if (i % 3 === 0) return runInTransaction(ds, async (m) => m.query(`SELECT $1::int * 2 AS doubled, $2::text AS tag`, [i, `q${i}`]));
      if (i % 3 === 1) return ds.query(`SELECT ${i} * 2 AS doubled, 'q${i}' AS tag`);
      return ds.query(`SELECT $1::int * 2 AS doubled, $2::text AS tag`, [i, `q${i}`]);
    });
    const results = await Promise.all(work);
    results.forEach((rows, i) => expect(rows).toEqual([{ doubled: i * 2, tag: `q${i}` }]));
  });

  it('isolates concurrent transactions: a rollback does not undo the other commit', async () => {
    const committed = runInTransaction(a, async (m) => {
      await m.query(`INSERT INTO svc_a.thing (label) VALUES ($1)`, ['kept']);
      await new Promise((r) => setTimeout(r, 50));
      await m.query(`INSERT INTO svc_a.thing (label) VALUES ($1)`, ['kept-too']);
    });
    const rolledBack = runInTransaction(b, async (m) => {
      await m.query(`INSERT INTO svc_b.thing (label) VALUES ($1)`, ['lost']);
      throw new Error('abort');
    });
    const plain = Promise.all(Array.from({ length: 10 }, (_, i) => a.query(`SELECT $1::int AS i`, [i])));
    await expect(rolledBack).rejects.toThrow('abort');
    await committed;
    expect((await plain).map((r) => (r as Array<{ i: number }>)[0].i)).toEqual([...Array(10).keys()]);
    expect(await a.query(`SELECT label FROM svc_a.thing ORDER BY id`)).toEqual([{ label: 'kept' }, { label: 'kept-too' }]);
    expect(await b.query(`SELECT count(*)::int AS n FROM svc_b.thing`)).toEqual([{ n: 0 }]);
  });

  it('reports unique violations with the Postgres error code', async () => {
    await expect(a.query(`INSERT INTO svc_a.thing (label) VALUES ($1)`, ['kept'])).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it('runs with small buffers, so the WASM memory stays inside its initial 128 MiB (bench/RESULTS.md, memory)', async () => {
    expect(await a.query(`SELECT current_setting('shared_buffers') AS shared, current_setting('maintenance_work_mem') AS maintenance`))
      .toEqual([{ shared: '16MB', maintenance: '16MB' }]);
  });

  it('keeps committed data across a restart on the same data directory', async () => {
    await a.destroy();
    await b.destroy();
    await pg.stop();
    pg = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env) });
    [a, b] = await Promise.all([open(pg.url, 'svc_a'), open(pg.url, 'svc_b')]);
    expect(await a.query(`SELECT label FROM svc_a.thing ORDER BY id`)).toEqual([{ label: 'kept' }, { label: 'kept-too' }]);
  });
});
