import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { createCluster } from './pglite-cluster-template';
import { isInitialised } from './pglite-first-start';
import { guardExtendedProtocol } from './pglite-session-guard';
import { PgliteWireServer } from './pglite-wire-server';

export interface EmbeddedPostgres {
  /** postgres:// URL for the ordinary `pg` driver; its host is the private socket directory. */
  url: string;
  /** The private directory (mode 0700) holding the Unix socket; removed on stop. */
  socketDir: string;
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
  /**
   * How long a connection may keep the shared session to itself (open transaction, unfinished Parse…Sync) or
   * sit on a half-sent message without a word; then it is dropped and its transaction rolled back (default 10 s).
   */
  stallTimeoutMs?: number;
  /** Largest single protocol message accepted (default 64 MiB). */
  maxMessageBytes?: number;
  /**
   * Where cluster templates are cached (`clusterTemplateRoot`): a new data directory then starts as a copy of one
   * instead of running initdb. Default null: no templates, initdb on every new directory.
   */
  clusterTemplateRoot?: string | null;
}

/**
 * Memory settings for the in-process database. PGlite's WASM memory only ever grows, and with Postgres' default
 * 128 MB of shared buffers it held about 200 MiB of an idle embedded registry (bench/RESULTS.md, memory). 16 MB
 * of buffers fit inside the module's fixed 128 MiB initial memory; evicted pages are re-read from the OS page cache,
 * which is what the embedded registry's small tables need. Index builds in migrations get 16 MB as well.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'maintenance_work_mem=16MB'];

/**
 * PGlite's Postgres is a 9 MB WebAssembly module; as its functions get hot, V8 recompiles them with TurboFan on its
 * background threads, one compilation per thread at once by default. Those compilations' scratch memory was the
 * largest native allocation of the embedded process (56 MiB at its peak under heaptrack, freed afterwards but kept
 * by the threads' malloc arenas): one at a time bounds it to one function's worth (bench/RESULTS.md, "Embedded
 * memory: V8's young generation and malloc arenas"). The flag is read when compilation jobs are scheduled, so setting
 * it here, before the module is compiled, is in time; it cannot go in NODE_OPTIONS (node refuses it there).
 */
const WASM_COMPILE_FLAGS = '--wasm-num-compilation-tasks=1';

/** sun_path holds 108 bytes on Linux and 104 on macOS, terminator included. */
const MAX_SOCKET_PATH = 103;
const SOCKET_FILE = '.s.PGSQL.5432';

/**
 * PostgreSQL for embedded mode: PGlite (Postgres compiled to WASM, persisted on disk) behind a Postgres
 * wire-protocol socket, so the application uses exactly the same `pg` driver and TypeORM code as in
 * production. The socket server serialises statements and, while a transaction is open, serves only
 * that connection: transactions stay correct, they just do not run in parallel.
 *
 * There is no password, so the socket is a Unix socket in a fresh directory only this process's user can
 * enter (0700), never a TCP port any local process could reach. `pg` treats a host that is a directory as
 * "connect to <dir>/.s.PGSQL.<port>", hence the socket's name.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dir = resolve(opts.dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const socketDir = makeSocketDir();
  const socketPath = join(socketDir, SOCKET_FILE);
  let db: PGlite | undefined;
  try {
    setFlagsFromString(WASM_COMPILE_FLAGS);
    if (!isInitialised(dir)) await createCluster(dir, EMBEDDED_SETTINGS, opts.clusterTemplateRoot ?? null);
    db = await PGlite.create({ dataDir: dir, startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
    const guard = guardExtendedProtocol(db);
    const server = new PgliteWireServer({
      db,
      guard,
      path: socketPath,
      maxConnections: opts.maxConnections ?? 100,
      stallTimeoutMs: opts.stallTimeoutMs ?? 10_000,
      maxMessageBytes: opts.maxMessageBytes ?? 64 * 1024 * 1024,
    });
    await server.listen();
    chmodSync(socketPath, 0o600);
    const pglite = db;
    let stopped = false;
    return {
      url: `postgres://postgres@${encodeURIComponent(socketDir)}/postgres`,
      socketDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await server.close();
          // Closing flushes PGlite's files, so the next start sees every committed transaction.
          await pglite.close();
        } finally {
          rmSync(socketDir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    rmSync(socketDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * mkdtemp creates the directory 0700 and owned by us, fresh on every start (a stale or planted one is never
 * reused). It lives under the system temp directory, not the data directory, whose path may be too long for
 * a socket address; /tmp is the fallback when TMPDIR itself is too long.
 */
function makeSocketDir(): string {
  const fits = (base: string) => join(base, 'mg-pg-XXXXXX', SOCKET_FILE).length <= MAX_SOCKET_PATH;
  const base = fits(tmpdir()) ? tmpdir() : '/tmp';
  const dir = mkdtempSync(join(base, 'mg-pg-'));
  chmodSync(dir, 0o700);
  return dir;
}
