import { DataSource, type Logger } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { runInTransaction } from './run-in-transaction';

const url = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Keeps every statement the DataSource sends, so a test can say which ones a transaction cost. */
class StatementLog implements Logger {
  readonly statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {
    // only the statements matter here
  }
  logQuerySlow(): void {
    // only the statements matter here
  }
  logSchemaBuild(): void {
    // only the statements matter here
  }
  logMigration(): void {
    // only the statements matter here
  }
  log(): void {
    // only the statements matter here
  }
}

const opened: DataSource[] = [];

async function open(extra: { defaultLevel?: string; isolationLevel?: 'SERIALIZABLE' } = {}): Promise<{ ds: DataSource; log: StatementLog }> {
  const log = new StatementLog();
  const ds = new DataSource({
    type: 'postgres',
    url,
    logging: ['query'],
    logger: log,
    ...(extra.isolationLevel ? { isolationLevel: extra.isolationLevel } : {}),
    // A connection-level default, as ALTER DATABASE/ROLE or postgresql.conf would give.
    extra: { max: 2, ...(extra.defaultLevel ? { options: `-c default_transaction_isolation=${extra.defaultLevel.replace(' ', '\\ ')}` } : {}) },
  });
  await ds.initialize();
  opened.push(ds);
  return { ds, log };
}

const levelInside = (ds: DataSource) =>
  runInTransaction(ds, async (m) => ((await m.query('SHOW transaction_isolation')) as { transaction_isolation: string }[])[0]?.transaction_isolation);

describe('runInTransaction', () => {
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ds) => ds.destroy()));
  });

  it('runs READ COMMITTED without a SET TRANSACTION round trip when that is the database default', async () => {
    const { ds, log } = await open();
    expect(await levelInside(ds)).toBe('read committed');
    log.statements.length = 0;
    expect(await levelInside(ds)).toBe('read committed');
    expect(log.statements).toEqual(['START TRANSACTION', 'SHOW transaction_isolation', 'COMMIT']);
  });

  it('still runs READ COMMITTED when the connections default to a stricter level', async () => {
    const { ds, log } = await open({ defaultLevel: 'repeatable read' });
    const plain = await ds.transaction(async (m) => ((await m.query('SHOW transaction_isolation')) as { transaction_isolation: string }[])[0]?.transaction_isolation);
    expect(plain).toBe('repeatable read');
    expect(await levelInside(ds)).toBe('read committed');
    expect(log.statements).toContain('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
  });

  it('still runs READ COMMITTED when the DataSource sets its own isolation level', async () => {
    const { ds } = await open({ isolationLevel: 'SERIALIZABLE' });
    expect(await levelInside(ds)).toBe('read committed');
  });

  it('rolls back everything written when the work throws', async () => {
    const { ds } = await open();
    const table = `public.rit_${process.pid}`;
    await ds.query(`CREATE TABLE IF NOT EXISTS ${table} (n int)`);
    try {
      await expect(runInTransaction(ds, async (m) => {
        await m.query(`INSERT INTO ${table} (n) VALUES (1)`);
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await ds.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    } finally {
      await ds.query(`DROP TABLE ${table}`);
    }
  });
});
