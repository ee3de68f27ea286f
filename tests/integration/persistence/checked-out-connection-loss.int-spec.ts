import { DATA_SOURCE, poolOf } from '@modelguard/persistence';
import { expectEventually, testInfra } from '@modelguard/testing';
import { Client, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { useInProcessProbeService } from '../messaging/probe-service.module';

/**
 * A pooled connection whose backend dies while a transaction holds it between statements. Without a listener on
 * the checked-out client, pg emits an 'error' nobody hears and Node ends the process (the resilience suite's
 * postgres-drop run lost its whole gateway this way). The service must instead fail that transaction and carry on.
 */
describe('a checked-out database connection terminated between statements', () => {
  const probe = useInProcessProbeService('pgloss');

  const terminate = async (pid: number): Promise<void> => {
    const admin = new Client({ connectionString: testInfra.databaseUrl });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  };
  const dataSourceOf = () => probe.running().app.get<DataSource>(DATA_SOURCE, { strict: false });

  it('a pool client held outside TypeORM: the error is heard, the process stays up, the pool replaces the client', async () => {
    const pool = poolOf(dataSourceOf()) as unknown as { connect(): Promise<PoolClient> } | undefined;
    if (pool === undefined) throw new Error('the DataSource has no pg pool');
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Only the service's own guard listens now: pg-pool listens to idle clients only, TypeORM to its runners' only.
    await terminate(rows[0].pid);
    const state = client as unknown as { _queryable: boolean };
    await expectEventually(async () => expect(state._queryable).toBe(false), { timeoutMs: 10_000 });
    await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable|connection/i);
    client.release(true);

    const [{ alive }] = (await dataSourceOf().query('SELECT 1 AS alive')) as { alive: number }[];
    expect(alive).toBe(1);
  });

  it('a transaction between statements: the transaction fails and the next query gets a fresh connection', async () => {
    const dataSource = dataSourceOf();
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    await terminate(pid);
    const client = (runner as unknown as { databaseConnection: { _queryable: boolean } }).databaseConnection;
    await expectEventually(async () => expect(client._queryable).toBe(false), { timeoutMs: 10_000 });

    // TypeORM releases a runner whose connection failed; the gateway maps this error to 503 (store-unavailable.ts).
    await expect(runner.query('SELECT 1')).rejects.toThrow(/released|connection/i);
    await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();

    const [{ alive }] = (await dataSource.query('SELECT 1 AS alive')) as { alive: number }[];
    expect(alive).toBe(1);
  });
});
