import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { message, RawWireClient } from '../test/raw-wire-client';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { clusterTemplateRoot } from './pglite-cluster-template';
import { runInTransaction } from './run-in-transaction';
import { buildServiceDataSource } from './service-data-source';

const parse = (name: string, sql: string) => message('P', Buffer.from(`${name}\0${sql}\0\0\0`));
/** Bind of a parameterless statement to the unnamed portal, Execute, Sync. */
const bindExecuteSync = (name: string) =>
  Buffer.concat([message('B', Buffer.from(`\0${name}\0\0\0\0\0\0\0`)), message('E', Buffer.alloc(5)), message('S')]);
const closeStatement = (name: string) => message('C', Buffer.from(`S${name}\0`));
/** The backend message types received so far, in order ('1' ParseComplete, '3' CloseComplete, 'E' error, …). */
function messageTypes(bytes: Buffer): string {
  let types = '';
  for (let at = 0; at + 5 <= bytes.length; at += 1 + bytes.readInt32BE(at + 1)) types += String.fromCharCode(bytes[at]);
  return types;
}
/** Sends `bytes` and waits for the ReadyForQuery that ends the reply; returns the reply's message types. */
async function exchange(client: RawWireClient, bytes: Buffer): Promise<string> {
  const before = client.received.length;
  client.send(bytes);
  await until(() => messageTypes(client.received.subarray(before)).endsWith('Z'));
  return messageTypes(client.received.subarray(before));
}
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('embedded Postgres: named prepared statements shared by every connection of the one PGlite session', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-pglite-named-'));
  let pg: EmbeddedPostgres;
  let a: DataSource;
  let b: DataSource;
  const socketDir = () => pg.socketDir;

  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env) });
    const open = async (name: string) => {
      const ds = buildServiceDataSource({ url: pg.url, schema: name, entities: [], migrations: [], poolSize: 4, namedStatements: true });
      return ds.initialize();
    };
    [a, b] = await Promise.all([open('named_a'), open('named_b')]);
  });

  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prepares each parameterised text once for the session, however many connections and services send it', async () => {
    const text = `SELECT $1::int * 3 AS tripled, $2::text AS tag`;
    // Eight pooled connections (two data sources of four) each meet the name for the first time.
    const work = Array.from({ length: 80 }, (_, i) =>
      i % 4 === 0 ? runInTransaction(i % 8 === 0 ? a : b, (m) => m.query(text, [i, `t${i}`])) : (i % 2 === 0 ? a : b).query(text, [i, `t${i}`]),
    );
    const results = await Promise.all(work);
    results.forEach((rows, i) => expect(rows).toEqual([{ tripled: i * 3, tag: `t${i}` }]));
    const prepared = (await a.query(`SELECT name, statement FROM pg_prepared_statements`)) as Array<{ name: string; statement: string }>;
    expect(prepared.filter((p) => p.statement === text)).toEqual([{ name: expect.stringMatching(/^mg_/), statement: text }]);
  });

  it('leaves statements without parameters unprepared (BEGIN, COMMIT, multi-statement scripts)', async () => {
    await a.query(`CREATE SCHEMA IF NOT EXISTS named_a; CREATE TABLE IF NOT EXISTS named_a.note (id int); INSERT INTO named_a.note VALUES (1)`);
    expect(await a.query(`SELECT count(*)::int AS n FROM named_a.note`)).toEqual([{ n: 1 }]);
    const prepared = (await a.query(`SELECT statement FROM pg_prepared_statements WHERE statement LIKE $1`, ['%named_a.note%'])) as unknown[];
    expect(prepared).toEqual([]);
  });

  it('still refuses a different statement under a name the session holds', async () => {
    const first = await RawWireClient.started(socketDir());
    const second = await RawWireClient.started(socketDir());
    try {
      expect(await exchange(first, Buffer.concat([parse('dup_name', 'SELECT 1'), bindExecuteSync('dup_name')]))).toBe('12DCZ');
      expect(await exchange(second, Buffer.concat([parse('dup_name', 'SELECT 2'), message('S')]))).toBe('EZ');
      expect(second.errorCodes()).toEqual(['42P05']);
      // The same bytes again are answered without troubling the session, and the statement runs.
      expect(await exchange(second, Buffer.concat([parse('dup_name', 'SELECT 1'), bindExecuteSync('dup_name')]))).toBe('12DCZ');
    } finally {
      first.close();
      second.close();
    }
  });

  it("keeps a shared statement when one connection Closes it: the others' pg clients believe it is still there", async () => {
    const closer = await RawWireClient.started(socketDir());
    const user = await RawWireClient.started(socketDir());
    try {
      expect(await exchange(closer, Buffer.concat([parse('kept_name', 'SELECT 42'), message('S')]))).toBe('1Z');
      expect(await exchange(closer, Buffer.concat([closeStatement('kept_name'), message('S')]))).toBe('3Z');
      const before = user.received.length;
      expect(await exchange(user, bindExecuteSync('kept_name'))).toBe('2DCZ');
      expect(user.received.subarray(before).toString('latin1')).toContain('42');
    } finally {
      closer.close();
      user.close();
    }
  });

  it('answers nothing for a shared Parse that follows an error before Sync, as Postgres skips it', async () => {
    const client = await RawWireClient.started(socketDir());
    try {
      expect(await exchange(client, Buffer.concat([parse('skip_name', 'SELECT 7'), message('S')]))).toBe('1Z');
      // A Bind of a statement that does not exist fails; the Parse after it, before the Sync, must go unanswered.
      const failing = message('B', Buffer.from(`\0no_such_statement\0\0\0\0\0\0\0`));
      expect(await exchange(client, Buffer.concat([failing, parse('skip_name', 'SELECT 7'), message('S')]))).toBe('EZ');
      // And after the Sync the shared statement answers again.
      expect(await exchange(client, Buffer.concat([parse('skip_name', 'SELECT 7'), bindExecuteSync('skip_name')]))).toBe('12DCZ');
    } finally {
      client.close();
    }
  });
});
