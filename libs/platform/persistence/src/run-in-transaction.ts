import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `fn` in one READ COMMITTED transaction and returns its result. Everything written through the
 * given manager (state changes and outbox rows alike) commits or rolls back together.
 */
export function runInTransaction<T>(dataSource: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  return dataSource.transaction('READ COMMITTED', fn);
}
