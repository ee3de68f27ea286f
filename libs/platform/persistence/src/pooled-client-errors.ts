import type { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';

/**
 * pg-pool listens for a client's 'error' only while the client is idle in the pool. A client that is checked out
 * but between statements (a transaction waiting on its caller) emits 'error' when its backend dies, and an
 * 'error' event nobody listens to ends the Node process. Seen in the resilience suite: PostgreSQL backends
 * terminated under load took the whole gateway down instead of failing a few requests with 503.
 *
 * Every client the pool hands out gets a listener of its own. Nothing else is needed: pg has already marked the
 * client unusable, so the transaction's next statement fails ("client has encountered a connection error", which
 * the gateway answers with 503 + Retry-After) and the pool discards the client on release.
 */
export function keepClientErrorsInside(pool: EventEmitter, onError: (error: Error) => void): void {
  const guarded = new WeakSet<EventEmitter>();
  pool.on('acquire', (client: EventEmitter) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on('error', onError);
  });
}

/** The pg Pool under a TypeORM DataSource (its Postgres driver's `master`), once initialized. */
export function poolOf(dataSource: DataSource): EventEmitter | undefined {
  return (dataSource.driver as unknown as { master?: EventEmitter }).master;
}
