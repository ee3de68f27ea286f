import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program. It is evaluated as CommonJS, so it loads PGlite from the absolute path the parent
 * resolved (an eval'd worker has no module of its own to resolve packages from). Opening PGlite on an empty
 * directory runs initdb; closing it flushes the files; the worker then ends by itself. A
 * rejection is unhandled, which ends the worker with an 'error' event the parent reports.
 */
const FIRST_START_PROGRAM = `
const { workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
(async () => {
  const db = await PGlite.create({ dataDir: workerData.dataDir, startParams: [...PGlite.defaultStartParams, ...workerData.settings] });
  await db.close();
})();
`;

/** Whether `dataDir` already holds a database cluster (initdb writes PG_VERSION into every cluster it creates). */
export function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Creates the database cluster in `dataDir` on a worker thread, then lets the worker end.
 *
 * Why: on an empty directory PGlite runs initdb in a second, temporary Postgres instance (its own WebAssembly
 * memory, its own compiled module, initdb's module besides) and closes it, but nothing frees those until V8
 * happens to collect them. The embedded registry's first start held 730-736 MiB through its whole first minute in two
 * runs, against 303-322 MiB once the cluster is created here, and 225-241 MiB when it starts on an existing directory
 * (bench/RESULTS.md, "Embedded: the first start"). A worker's isolate is torn down when it ends, and everything initdb
 * used goes with it; the caller then opens the directory as on any later start. The cost is compiling PGlite once
 * more, on first start only (about 0.4 s for a bare PGlite here).
 */
export async function initialiseInWorker(dataDir: string, settings: readonly string[]): Promise<void> {
  const worker = new Worker(FIRST_START_PROGRAM, {
    eval: true,
    workerData: { pglite: require.resolve('@electric-sql/pglite'), dataDir, settings: [...settings] },
  });
  let failure: Error | undefined;
  worker.once('error', (error: Error) => (failure = error));
  const code = await new Promise<number>((resolve) => worker.once('exit', resolve));
  if (failure !== undefined) throw new Error(`creating the embedded database in ${dataDir} failed: ${failure.message}`, { cause: failure });
  if (code !== 0) throw new Error(`creating the embedded database in ${dataDir} failed: its worker exited with code ${code}`);
  if (!isInitialised(dataDir)) throw new Error(`creating the embedded database in ${dataDir} left no PG_VERSION file`);
}
