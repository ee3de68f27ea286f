import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres';
import { initialiseInWorker, isInitialised } from './pglite-first-start';

const repoRoot = resolve(__dirname, '../../../..');

/**
 * One fresh process per measurement: the memory a first start leaves behind is a property of the whole process,
 * which the shared test worker cannot show. The child runs this library's own sources, transpiled into a directory
 * under node_modules so that `@electric-sql/pglite` and `pg` resolve as they do for the library.
 */
const CHILD = `
const { startEmbeddedPostgres } = require('./embedded-postgres.js');
(async () => {
  const pg = await startEmbeddedPostgres({ dataDir: process.argv[2] });
  await new Promise((r) => setTimeout(r, 500));
  const rssMiB = process.memoryUsage().rss / 1048576;
  await pg.stop();
  console.log(JSON.stringify({ rssMiB }));
})().catch((e) => { console.error(e); process.exit(2); });
`;

describe('the embedded database on its first start (an empty data directory)', () => {
  let childDir: string;
  const scratch = mkdtempSync(join(tmpdir(), 'mg-first-start-'));

  beforeAll(() => {
    mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true });
    childDir = mkdtempSync(join(repoRoot, 'node_modules/.cache/mg-first-start-'));
    for (const name of readdirSync(__dirname).filter((n) => n.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(n))) {
      const out = ts.transpileModule(readFileSync(join(__dirname, name), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true },
      });
      writeFileSync(join(childDir, name.replace(/\.ts$/, '.js')), out.outputText);
    }
    writeFileSync(join(childDir, 'child.js'), CHILD);
  });

  afterAll(() => {
    rmSync(childDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  function runChild(dataDir: string): number {
    const result = spawnSync(process.execPath, ['child.js', dataDir], { cwd: childDir, encoding: 'utf8', timeout: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    return (JSON.parse(result.stdout.trim().split('\n').pop() as string) as { rssMiB: number }).rssMiB;
  }

  it("does not keep initdb's temporary Postgres instance in the process", () => {
    // When PGlite ran initdb in the process, its temporary instance stayed resident until V8 happened to collect it.
    // With the worker call removed, this child measured 667 and 686 MiB in two of three runs; in the third V8 had
    // collected it within the 500 ms, so a regression is caught most times, not every time. With the worker: 210-280.
    const rss = runChild(join(scratch, 'embedded'));
    expect(rss, `RSS after the first start: ${rss.toFixed(0)} MiB`).toBeLessThan(400);
    expect(isInitialised(join(scratch, 'embedded', 'pgdata'))).toBe(true);
  });

  it('opens the cluster the worker created, and keeps what was written across a restart', async () => {
    const dataDir = join(scratch, 'restart');
    let pg = await startEmbeddedPostgres({ dataDir });
    try {
      expect(isInitialised(join(dataDir, 'pgdata'))).toBe(true);
      const { Client } = await import('pg');
      const write = new Client({ connectionString: pg.url });
      await write.connect();
      await write.query('CREATE TABLE first_start (note text)');
      await write.query("INSERT INTO first_start VALUES ('kept')");
      await write.end();
      await pg.stop();
      pg = await startEmbeddedPostgres({ dataDir });
      const read = new Client({ connectionString: pg.url });
      await read.connect();
      expect((await read.query('SELECT note FROM first_start')).rows).toEqual([{ note: 'kept' }]);
      await read.end();
    } finally {
      await pg.stop();
    }
  });

  it('reports a cluster the worker could not create, with the reason', async () => {
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, 'not a directory');
    await expect(initialiseInWorker(join(blocker, 'pgdata'), [])).rejects.toThrow(/creating the embedded database in .*a-file\/pgdata failed: .*(ENOTDIR|not a directory)/i);
  });
});
