import { DataSource } from 'typeorm';
import { NamedStatementClient } from './named-statements';
import type { PersistenceOptions } from './persistence.tokens';
import { assertSchemaName, schemaOf } from './schema-name';

export interface ServiceDataSourceOptions extends PersistenceOptions {
  url: string;
  poolSize: number;
  /** Shown in pg_stat_activity, which makes "who holds that lock" questions answerable. */
  applicationName?: string;
  /** Send parameterised statements as named prepared statements (named-statements.ts); on for the embedded database. */
  namedStatements?: boolean;
}

/**
 * Builds the DataSource of one service: its own schema and its own migrations table, so services never
 * see (or migrate) each other's tables even when they share one database (embedded mode, CI).
 */
export function buildServiceDataSource(opts: ServiceDataSourceOptions): DataSource {
  const schema = assertSchemaName(opts.schema);
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is core since PG 13; uuid-ossp is not available on PGlite.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    applicationName: opts.applicationName ?? `modelguard-${schema}`,
    extra: { max: opts.poolSize, connectionTimeoutMillis: 10_000, ...(opts.namedStatements ? { Client: NamedStatementClient } : {}) },
  });
}

/**
 * Creates the schema and runs pending migrations under a session advisory lock keyed by the schema, so
 * several replicas of one service can boot at the same time: the first migrates, the others wait and
 * then find nothing left to do.
 */
export async function migrateServiceSchema(dataSource: DataSource): Promise<void> {
  const schema = schemaOf(dataSource);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`modelguard:migrate:${schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`modelguard:migrate:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}
