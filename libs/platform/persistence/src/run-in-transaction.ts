import type { DataSource, EntityManager } from 'typeorm';

/**
 * Per DataSource: does a transaction opened without a level already run READ COMMITTED? TypeORM opens a transaction
 * with a level as two statements (START TRANSACTION, then SET TRANSACTION ISOLATION LEVEL), each a round trip; when
 * the database's default is READ COMMITTED (Postgres's and PGlite's unless an operator changed it) the second one
 * changes nothing. Every consumed event and every job step opens one, so that round trip was a fifth of the
 * statements an event delivery costs (bench/RESULTS.md, 5 December).
 */
const defaultsToReadCommitted = new WeakMap<DataSource, Promise<boolean>>();

/**
 * Runs `fn` in one READ COMMITTED transaction and returns its result. Everything written through the
 * given manager (state changes and outbox rows alike) commits or rolls back together.
 */
export async function runInTransaction<T>(dataSource: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  return (await startsReadCommitted(dataSource)) ? dataSource.transaction(fn) : dataSource.transaction('READ COMMITTED', fn);
}

/**
 * Asks the database once (SHOW default_transaction_isolation: it reflects postgresql.conf, ALTER DATABASE/ROLE and
 * the connection's startup options alike, which every connection of a pool shares). A default an operator changes
 * while the process runs reaches only connections opened afterwards, which then run at that level until a restart.
 * A failed probe is not remembered, and the level is then set explicitly.
 */
function startsReadCommitted(dataSource: DataSource): Promise<boolean> {
  // A DataSource configured with its own isolationLevel applies it to every transaction opened without one.
  if ((dataSource.options as { isolationLevel?: unknown }).isolationLevel !== undefined) return Promise.resolve(false);
  const known = defaultsToReadCommitted.get(dataSource);
  if (known !== undefined) return known;
  const probe = (dataSource.query('SHOW default_transaction_isolation') as Promise<{ default_transaction_isolation?: unknown }[]>).then(
    (rows) => rows[0]?.default_transaction_isolation === 'read committed',
    () => {
      defaultsToReadCommitted.delete(dataSource);
      return false;
    },
  );
  defaultsToReadCommitted.set(dataSource, probe);
  return probe;
}
