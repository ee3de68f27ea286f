import type { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

const OUTBOX_DIRTY = 'modelguard.outboxDirty';

/** Relay wake-up per DataSource: embedded mode runs several services (DataSources) in one process. */
const wakers = new WeakMap<DataSource, () => void>();

/** Remembers on the transaction's query runner that it wrote outbox rows (or wakes now if autocommit). */
export function markOutboxWritten(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) runner.data[OUTBOX_DIRTY] = true;
  else wakers.get(manager.connection)?.();
}

/**
 * Wakes the relay right after a transaction that wrote outbox rows commits, so in-process latency is a
 * few milliseconds instead of a poll interval. Polling remains the safety net (other processes' commits).
 */
export function installOutboxCommitHook(dataSource: DataSource, wake: () => void): void {
  wakers.set(dataSource, wake);
  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit(event: TransactionCommitEvent): void {
      const data = event.queryRunner.data as Record<string, unknown>;
      if (data[OUTBOX_DIRTY]) {
        data[OUTBOX_DIRTY] = false;
        wake();
      }
    },
    afterTransactionRollback(event: TransactionRollbackEvent): void {
      (event.queryRunner.data as Record<string, unknown>)[OUTBOX_DIRTY] = false;
    },
  };
  dataSource.subscribers.push(subscriber);
}
