// @ts-check
// Counts the SQL statements a registry process sends through `pg`, by the statement's first 90 characters, and
// writes the 40 most frequent to <dir>/sql-count-<pid>.txt when the process exits. Load it into the server with
//   BENCH_SERVER_NODE_ARGS="-r $PWD/bench/registry/lib/sql-count-probe.cjs" SQL_COUNT_DIR=/tmp/sql node bench/registry/…
// In embedded mode every statement is PGlite work on the process's own event loop, so "how many per download" is the
// first thing to look at before changing a query path (bench/RESULTS.md, 6 December).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const pg = require(require.resolve('pg', { paths: [process.cwd()] }));
/** @type {Map<string, number>} */
const counts = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(/** @type {unknown} */ config, /** @type {unknown[]} */ ...rest) {
  const text = typeof config === 'string' ? config : config && typeof config === 'object' && 'text' in config ? String(config.text) : undefined;
  if (text !== undefined) {
    const key = text.replace(/\s+/g, ' ').slice(0, 90);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return query.call(this, config, ...rest);
};

process.on('exit', () => {
  const rows = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40);
  writeFileSync(join(process.env.SQL_COUNT_DIR ?? '.', `sql-count-${process.pid}.txt`), rows.map(([sql, n]) => `${n}\t${sql}`).join('\n') + '\n');
});
