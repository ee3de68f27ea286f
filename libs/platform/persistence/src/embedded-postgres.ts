import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { guardExtendedProtocol } from './pglite-session-guard';

export interface EmbeddedPostgres {
  /** postgres:// URL for the ordinary `pg` driver. */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory holding the database files; reused on the next start, so data survives restarts. */
  dataDir: string;
  /**
   * Socket connections accepted. Every service's pool connects separately, so this must cover the sum
   * of all pools plus the relays' and migrators' extra connections.
   */
  maxConnections?: number;
}

/**
 * PostgreSQL for embedded mode: PGlite (Postgres compiled to WASM, persisted on disk) behind a Postgres
 * wire-protocol socket, so the application uses exactly the same `pg` driver and TypeORM code as in
 * production. The socket server serialises statements and, while a transaction is open, serves only
 * that connection: transactions stay correct, they just do not run in parallel.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dir = resolve(opts.dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir });
  guardExtendedProtocol(db);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: opts.maxConnections ?? 100 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  let stopped = false;
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      // Closing flushes PGlite's files, so the next start sees every committed transaction.
      await db.close();
    },
  };
}
