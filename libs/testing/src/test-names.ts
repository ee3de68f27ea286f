import { randomBytes } from 'node:crypto';

function suffix(): string {
  return `${process.pid.toString(36)}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A Postgres schema name unique to this test run (lower-case, ≤ 63 chars). */
export function createTestSchemaName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  return `t_${clean}_${suffix()}`.slice(0, 63);
}

/** A Kafka consumer group id never used before (a crashed earlier run's member cannot hold partitions). */
export function uniqueGroupId(prefix: string): string {
  return `${prefix}-${suffix()}`;
}

/** A unique token for topic names, client ids, bucket names. */
export function uniqueSuffix(): string {
  return suffix();
}
