import { Client } from 'pg';

/** Test infrastructure endpoints, overridable through the environment (see docs/CONVENTIONS.md). */
export const testInfra = {
  databaseUrl: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
  s3Endpoint: process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090',
};

/** Drops test schemas (CASCADE) so repeated runs do not pile up tables. */
export async function dropSchemas(databaseUrl: string, schemas: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) {
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`refusing to drop odd schema name ${schema}`);
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}

/** Runs one SQL query on a short-lived connection (assertions on rows written by other processes). */
export async function queryRows<R>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: databaseUrl });
  // Failures reach the caller through connect()/query(); an 'error' event of its own (the run's database dropped
  // or its backend terminated between the two) must not end the test process as an unhandled error.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end();
  }
}
