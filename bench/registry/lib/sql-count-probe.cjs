// @ts-check
// Counts the SQL statements a registry process sends through `pg`, by the statement's first 90 characters, with the
// milliseconds from sending each to its answer, and writes the 40 most frequent to <dir>/sql-count-<pid>.txt when the
// process exits (count, total ms, statement). Load it into the server with
//   BENCH_SERVER_NODE_ARGS="-r $PWD/bench/registry/lib/sql-count-probe.cjs" SQL_COUNT_DIR=/tmp/sql node bench/registry/…
// In embedded mode every statement is PGlite work on the process's own event loop, so "how many per download" is the
// first thing to look at before changing a query path (bench/RESULTS.md, 6 December). The times include waiting for
// the connection and, in embedded mode, for PGlite's one session: read them with one client, not under load.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const pg = require(require.resolve('pg', { paths: [process.cwd()] }));
/** @type {Map<string, { n: number, ms: number }>} */
const stats = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(/** @type {unknown} */ config, /** @type {unknown[]} */ ...rest) {
  const text = typeof config === 'string' ? config : config && typeof config === 'object' && 'text' in config ? String(config.text) : undefined;
  if (text === undefined) return query.call(this, config, ...rest);
  const key = text.replace(/\s+/g, ' ').slice(0, 90);
  const entry = stats.get(key) ?? { n: 0, ms: 0 };
  stats.set(key, entry);
  entry.n++;
  const start = performance.now();
  const done = () => void (entry.ms += performance.now() - start);
  const last = rest[rest.length - 1];
  if (typeof last === 'function') {
    rest[rest.length - 1] = function timedCallback(/** @type {unknown[]} */ ...args) {
      done();
      return last.apply(this, args);
    };
    return query.call(this, config, ...rest);
  }
  const result = query.call(this, config, ...rest);
  if (result && typeof result.then === 'function') result.then(done, done);
  return result;
};

process.on('exit', () => {
  const rows = [...stats].sort((a, b) => b[1].n - a[1].n).slice(0, 40);
  writeFileSync(
    join(process.env.SQL_COUNT_DIR ?? '.', `sql-count-${process.pid}.txt`),
    rows.map(([sql, s]) => `${s.n}\t${s.ms.toFixed(1)}\t${sql}`).join('\n') + '\n',
  );
});
