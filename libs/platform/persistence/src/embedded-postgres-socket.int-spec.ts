import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWithoutSync, message, RawWireClient, startupMessage } from '../test/raw-wire-client';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { clusterTemplateRoot } from './pglite-cluster-template';
import { buildServiceDataSource } from './service-data-source';

/** Inodes of the TCP sockets in LISTEN state that this process holds (Linux /proc). */
function listeningTcpInodes(): Set<string> {
  const mine = new Set(
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      })
      .filter((link) => link.startsWith('socket:['))
      .map((link) => link.slice('socket:['.length, -1)),
  );
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6'].filter((f) => existsSync(f))) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && cols[9] && mine.has(cols[9])) listening.add(cols[9]);
    }
  }
  return listening;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await work;
  return { value, ms: Date.now() - start };
}

// Long enough that "at once" (under half of it) holds on a loaded CI machine, short enough to keep the file fast.
const STALL_MS = 2500;

describe('embedded Postgres: private Unix socket, and recovery from clients that wedge the shared session', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-pglite-sock-'));
  let pg: EmbeddedPostgres;
  let pool: Pool;
  let tcpListenersBefore: Set<string>;

  const bodies = async () => ((await pool.query(`SELECT body FROM note ORDER BY id`)).rows as Array<{ body: string }>).map((r) => r.body);
  const openPool = () => {
    pool = new Pool({ connectionString: pg.url, max: 3 });
    pool.on('error', () => undefined);
  };

  beforeAll(async () => {
    tcpListenersBefore = listeningTcpInodes();
    pg = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env), stallTimeoutMs: STALL_MS });
    openPool();
    await pool.query(`CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)`);
    await pool.query(`INSERT INTO note (body) VALUES ($1)`, ['committed-before']);
  });

  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens only on a Unix socket in a fresh directory of mode 0700, on no TCP port', async () => {
    const dir = statSync(pg.socketDir);
    expect(dir.mode & 0o777).toBe(0o700);
    expect(dir.uid).toBe(process.getuid?.());
    expect(statSync(join(pg.socketDir, '.s.PGSQL.5432')).isSocket()).toBe(true);
    expect(join(pg.socketDir, '.s.PGSQL.5432').length).toBeLessThanOrEqual(103);
    const url = new URL(pg.url);
    expect([decodeURIComponent(url.hostname), url.port]).toEqual([pg.socketDir, '']);
    expect(listeningTcpInodes()).toEqual(tcpListenersBefore);
    // The probe does see a TCP listener of this process, so the equality above means something.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    expect(listeningTcpInodes().size).toBe(tcpListenersBefore.size + 1);
    probe.close();
  });

  it('serves the services’ TypeORM data source and a pg Pool through the socket', async () => {
    const ds = buildServiceDataSource({ url: pg.url, schema: 'svc_sock', entities: [], migrations: [], poolSize: 2 });
    await ds.initialize();
    try {
      expect(await ds.query(`SELECT $1::int + 1 AS n`, [41])).toEqual([{ n: 42 }]);
      expect(await bodies()).toEqual(['committed-before']);
    } finally {
      await ds.destroy();
    }
  });

  it('a client that BEGINs, writes and goes silent holds the others for no longer than the bound, and is rolled back', async () => {
    const silent = await RawWireClient.started(pg.socketDir);
    await silent.query(`BEGIN; INSERT INTO note (body) VALUES ('ghost')`);
    const { ms } = await timed(pool.query(`INSERT INTO note (body) VALUES ($1)`, ['after-ghost']));
    expect(ms).toBeGreaterThan(STALL_MS / 2); // it really was held…
    expect(ms).toBeLessThan(STALL_MS + 2000); // …and only up to the bound
    await silent.closed;
    expect(silent.errorCodes()).toContain('25P03');
    expect(await bodies()).toEqual(['committed-before', 'after-ghost']);
  });

  it('an Execute left without its Sync is dropped after the bound and NOT committed by the clean-up', async () => {
    const silent = await RawWireClient.started(pg.socketDir);
    silent.send(executeWithoutSync(`INSERT INTO note (body) VALUES ('half-sequence')`));
    const { ms } = await timed(pool.query(`SELECT $1::text AS t`, ['x']));
    expect(ms).toBeGreaterThan(STALL_MS / 2);
    await silent.closed;
    expect(await bodies()).toEqual(['committed-before', 'after-ghost']);
  });

  it('a client inside a transaction that sends half a message and falls silent is dropped and rolled back', async () => {
    const silent = await RawWireClient.started(pg.socketDir);
    await silent.query(`BEGIN; INSERT INTO note (body) VALUES ('truncated')`);
    silent.send(message('Q', Buffer.from('SELECT 1 /* the rest never comes */\0')).subarray(0, 12));
    const { ms } = await timed(pool.query(`SELECT count(*)::int AS n FROM note`));
    expect(ms).toBeLessThan(STALL_MS + 2000);
    await silent.closed;
    expect(await bodies()).toEqual(['committed-before', 'after-ghost']);
  });

  it('a half-sent message outside a transaction delays nobody and is dropped after the bound', async () => {
    const silent = await RawWireClient.started(pg.socketDir);
    silent.send(message('Q', Buffer.from(`INSERT INTO note (body) VALUES ('never')\0`)).subarray(0, 20));
    const { ms } = await timed(pool.query(`SELECT 1`));
    expect(ms).toBeLessThan(STALL_MS / 2);
    const { ms: dropped } = await timed(silent.closed);
    expect(dropped).toBeLessThan(STALL_MS + 2000);
    expect(await bodies()).toEqual(['committed-before', 'after-ghost']);
  });

  it.each([
    ['an unknown message type', Buffer.concat([message('Q', Buffer.from('BEGIN\0')), Buffer.from('\xff\x00\x00\x00\x08garbage', 'latin1')])],
    ['an absurd message length', Buffer.concat([message('Q', Buffer.from('BEGIN\0')), Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff])])],
    ['a negative message length', Buffer.from([0x51, 0xff, 0xff, 0xff, 0xf0, 0x41])],
    ['a password message with no authentication asked', message('p', Buffer.from('hunter2\0'))],
  ])('a started client sending %s is dropped at once and the others go on', async (_, bytes) => {
    const bad = await RawWireClient.started(pg.socketDir);
    bad.send(bytes);
    const { ms } = await timed(bad.closed);
    expect(ms).toBeLessThan(STALL_MS / 2);
    expect(bad.errorCodes()).toContain('08P01');
    const { ms: others } = await timed(pool.query(`SELECT $1::int AS n`, [7]));
    expect(others).toBeLessThan(STALL_MS / 2);
    expect(await bodies()).toEqual(['committed-before', 'after-ghost']);
  });

  it.each([
    ['an HTTP request instead of a startup packet', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a startup packet without parameters', startupMessage({}).subarray(0, 9)],
    ['a startup packet of an unknown protocol', Buffer.from([0, 0, 0, 8, 0, 9, 0, 0])],
  ])('a client opening with %s is dropped at once', async (_, bytes) => {
    const bad = await RawWireClient.open(pg.socketDir);
    bad.send(bytes);
    const { ms } = await timed(bad.closed);
    expect(ms).toBeLessThan(STALL_MS / 2);
    expect((await pool.query(`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
  });

  it('a client that disconnects mid-transaction is rolled back at once', async () => {
    const leaver = await RawWireClient.started(pg.socketDir);
    await leaver.query(`BEGIN; INSERT INTO note (body) VALUES ('left-behind')`);
    const blocked = timed(pool.query(`INSERT INTO note (body) VALUES ($1)`, ['after-leaver']));
    leaver.close();
    expect((await blocked).ms).toBeLessThan(STALL_MS / 2);
    expect(await bodies()).toEqual(['committed-before', 'after-ghost', 'after-leaver']);
  });

  it('keeps committed data across a restart, on a new private socket; the old one is removed', async () => {
    const oldDir = pg.socketDir;
    await pool.end();
    await pg.stop();
    expect(existsSync(oldDir)).toBe(false);
    pg = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env), stallTimeoutMs: STALL_MS });
    openPool();
    expect(pg.socketDir).not.toBe(oldDir);
    expect(await bodies()).toEqual(['committed-before', 'after-ghost', 'after-leaver']);
  });
});
