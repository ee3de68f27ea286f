#!/usr/bin/env node
// @ts-check
// Micro-benchmark: what recording one download costs the gateway process (issue 13, concurrent-downloads row).
// "transaction" is the record as it was before 5 December (START TRANSACTION, a TypeORM repository insert of the
// history row, the outbox INSERT, COMMIT); "one statement" is Outbox.enqueueWith's shape (WITH written AS (INSERT
// history row) INSERT INTO outbox). Both run against the same real PostgreSQL through TypeORM, interleaved, in
// their own scratch schema (dropped afterwards). Prints this process's CPU and the wall time per record.
//
//   node bench/registry/download-record.mjs [--n 1000] [--rounds 3]      (BENCH_DATABASE_URL or TEST_DATABASE_URL)
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { DataSource, EntitySchema } = require('typeorm');
const { values: args } = parseArgs({ options: { n: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
const url = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `bench_record_${process.pid}`;

const Download = new EntitySchema({
  name: 'download',
  tableName: 'downloads',
  schema,
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    artifactId: { name: 'artifact_id', type: 'varchar' },
    version: { type: 'varchar' },
    part: { type: 'text' },
    actorName: { name: 'actor_name', type: 'text' },
    downloadedAt: { name: 'downloaded_at', type: 'timestamptz', createDate: true },
  },
});

const ds = new DataSource({ type: 'postgres', url, entities: [Download], extra: { max: 4 } });
await ds.initialize();
await ds.query(`CREATE SCHEMA "${schema}"`);
try {
  await ds.query(`CREATE TABLE "${schema}".downloads (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), artifact_id varchar(64) NOT NULL,
    version varchar(64) NOT NULL, part text NOT NULL, actor_name text NOT NULL, downloaded_at timestamptz NOT NULL DEFAULT now())`);
  await ds.query(`CREATE TABLE "${schema}".outbox (event_id uuid PRIMARY KEY, topic text NOT NULL, key text NOT NULL, envelope jsonb NOT NULL, headers jsonb NOT NULL)`);
  const outboxRow = () => {
    const eventId = randomUUID();
    const envelope = { eventId, topic: 'registry.artifact-downloaded.v1', payload: { artifactId: 'a'.repeat(32), version: '1.0.0', part: 'full', actor: { name: 'alice', isAdmin: false } } };
    return [eventId, envelope.topic, 'a'.repeat(32), JSON.stringify(envelope), '{}'];
  };
  const insertOutbox = `INSERT INTO "${schema}".outbox (event_id, topic, key, envelope, headers)`;
  const variants = {
    transaction: () =>
      ds.transaction(async (m) => {
        await m.getRepository('download').insert({ artifactId: 'a'.repeat(32), version: '1.0.0', part: 'full', actorName: 'alice' });
        await m.query(`${insertOutbox} VALUES ($1, $2, $3, $4, $5)`, outboxRow());
      }),
    'one statement': () =>
      ds.manager.query(
        `WITH written AS (INSERT INTO "${schema}".downloads (artifact_id, version, part, actor_name) VALUES ($1, $2, $3, $4)) ${insertOutbox} VALUES ($5, $6, $7, $8, $9)`,
        ['a'.repeat(32), '1.0.0', 'full', 'alice', ...outboxRow()],
      ),
  };
  const measure = async (fn, n) => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    const cpu = process.cpuUsage(cpu0);
    return { cpu: (cpu.user + cpu.system) / 1000 / n, wall: Number(process.hrtime.bigint() - t0) / 1e6 / n };
  };
  for (const fn of Object.values(variants)) await measure(fn, 200); // warm-up
  console.log(`load1 ${(await import('node:os')).loadavg()[0].toFixed(2)}; ${args.n} records per variant per round`);
  for (let round = 1; round <= Number(args.rounds); round++) {
    for (const [name, fn] of Object.entries(variants)) {
      const r = await measure(fn, Number(args.n));
      console.log(`round ${round} ${name.padEnd(13)} CPU ${r.cpu.toFixed(3)} ms/record, wall ${r.wall.toFixed(2)} ms/record`);
    }
  }
} finally {
  await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
  await ds.destroy();
}
