import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { errorResponse, PgFrameReader, ProtocolViolation } from './pg-wire-frames';
import { endsExtendedSequence, type ExtendedProtocolGuard } from './pglite-session-guard';
import { ReplyScan, SharedStatements } from './pglite-shared-statements';

export interface PgliteWireServerOptions {
  db: PGlite;
  guard: ExtendedProtocolGuard;
  /** Unix socket path (inside a private directory: there is no password). */
  path: string;
  maxConnections: number;
  /** How long a client may hold the session (open transaction, unfinished Parse…Sync) or a half-sent message while silent. */
  stallTimeoutMs: number;
  maxMessageBytes: number;
}

interface Connection {
  readonly socket: Socket;
  readonly reader: PgFrameReader;
  /** Last time the client sent a whole message or the database finished one of its messages. */
  lastProgress: number;
  closed: boolean;
  /** A message since this client's last Sync failed: Postgres skips the rest of the sequence, so must we. */
  failedSequence: boolean;
}

interface Job {
  conn: Connection;
  bytes: Uint8Array;
}

const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
const ROLLBACK = (() => {
  const sql = Buffer.from('ROLLBACK\0', 'latin1');
  const head = Buffer.alloc(5);
  head.write('Q', 0, 'latin1');
  head.writeInt32BE(4 + sql.length, 1);
  return new Uint8Array(Buffer.concat([head, sql]));
})();

/**
 * The PostgreSQL wire front of PGlite in embedded mode, used instead of @electric-sql/pglite-socket's
 * PGLiteSocketServer (0.2.17), whose queue cannot recover from a bad client: PGlite is ONE session, so the
 * server serves only the connection holding an open transaction (or, with the session guard, an unfinished
 * Parse…Sync). A client that BEGINs and goes silent therefore blocks every other connection for good, a
 * message PGlite rejects leaves that queue's "processing" flag set forever, and unknown message types reach
 * PGlite and hang it (see pg-wire-frames.ts). Its classes cannot be extended at those points, so this small
 * server keeps the same scheduling rule and adds what is missing:
 * - every frame is validated before PGlite sees it; a malformed one drops its client;
 * - a client that holds the session, or stops mid-message, for longer than `stallTimeoutMs` is dropped;
 * - whenever a client that held the session goes away (dropped, Terminate, disconnect, error), the session
 *   is returned to a clean state: Sync (ends an unfinished or failed extended sequence), ROLLBACK, guard reset.
 */
export class PgliteWireServer {
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private queue: Job[] = [];
  /** The client whose transaction or extended sequence is open: only its messages may run. */
  private owner: Connection | null = null;
  private running: Connection | null = null;
  private resetNeeded = false;
  private pumping: Promise<void> | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private closing = false;
  private readonly shared = new SharedStatements();

  constructor(private readonly opts: PgliteWireServerOptions) {}

  async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const every = Math.max(50, Math.min(1000, Math.floor(this.opts.stallTimeoutMs / 4)));
    this.watchdog = setInterval(() => this.dropStalled(), every);
    this.watchdog.unref();
  }

  /** Drops every client, waits for the message in progress (and the session reset) to finish. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const conn of [...this.connections]) this.drop(conn);
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.pumping;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    socket.on('error', () => undefined); // a reset by the peer must not become an uncaught 'error'
    if (this.connections.size >= this.opts.maxConnections) {
      socket.end(errorResponse('53300', 'too many connections to the embedded database'));
      return;
    }
    const conn: Connection = { socket, reader: new PgFrameReader(this.opts.maxMessageBytes), lastProgress: Date.now(), closed: false, failedSequence: false };
    this.connections.add(conn);
    socket.on('data', (chunk: Buffer) => this.receive(conn, chunk));
    socket.on('error', () => this.drop(conn));
    socket.on('close', () => this.drop(conn));
  }

  private receive(conn: Connection, chunk: Buffer): void {
    if (conn.closed) return;
    let frames;
    try {
      frames = conn.reader.push(chunk);
    } catch (err) {
      if (!(err instanceof ProtocolViolation)) throw err;
      this.drop(conn, errorResponse('08P01', `protocol violation: ${err.message}`));
      return;
    }
    for (const frame of frames) {
      conn.lastProgress = Date.now();
      if (frame.kind === 'ssl-request' || frame.kind === 'gssenc-request') {
        conn.socket.write('N'); // no encryption on a private socket; the client goes on in plain text
      } else if (frame.kind === 'startup' || (frame.kind === 'message' && frame.type !== 'X')) {
        this.queue.push({ conn, bytes: frame.bytes });
      } else {
        this.drop(conn); // cancelling is not supported (as in pglite-socket); Terminate ends the connection
        return;
      }
    }
    this.kick();
  }

  private kick(): void {
    if (this.pumping) return;
    // Cleared only once pump() has settled (it may finish synchronously), then re-checked so that nothing
    // queued in between is left waiting.
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.resetNeeded || this.nextJobIndex() >= 0) this.kick();
    });
  }

  /** Runs queued messages one at a time: PGlite is single-threaded and has one session. */
  private async pump(): Promise<void> {
    for (;;) {
      if (this.resetNeeded) {
        this.resetNeeded = false;
        await this.resetSession();
        continue;
      }
      const index = this.nextJobIndex();
      if (index < 0) return;
      const [job] = this.queue.splice(index, 1);
      await this.run(job);
    }
  }

  /** While a client holds the session only its messages may run; otherwise first come, first served. */
  private nextJobIndex(): number {
    if (this.owner) return this.queue.findIndex((job) => job.conn === this.owner);
    return this.queue.length > 0 ? 0 : -1;
  }

  private async run({ conn, bytes }: Job): Promise<void> {
    const { db, guard } = this.opts;
    // A startup packet's first byte is its length's high byte (0), so it never reads as a Parse or Close here.
    const reply = this.shared.replyFor(bytes, conn.failedSequence);
    if (reply !== null) {
      guard.holdSequence();
      if (!conn.closed) conn.socket.write(reply);
    } else {
      this.running = conn;
      const scan = new ReplyScan();
      try {
        await db.runExclusive(() =>
          db.execProtocolRawStream(bytes, {
            // PGlite hands out a view of its WASM memory: read it now, copy it before queueing it on the socket.
            onRawData: (data) => {
              scan.push(data);
              if (!conn.closed) conn.socket.write(Buffer.from(data));
            },
          }),
        );
        this.shared.recordRun(bytes, scan.firstType);
        conn.failedSequence = endsExtendedSequence(bytes[0]) ? false : conn.failedSequence || scan.sawError;
      } catch {
        // PGlite refused the message as a whole (e.g. "Program terminated"): neither the client's state nor the
        // session's is known, so the client goes and the session is reset.
        this.drop(conn, errorResponse('08P01', 'the embedded database could not process the message'));
        this.resetNeeded = true;
      } finally {
        this.running = null;
      }
    }
    conn.lastProgress = Date.now();
    const holdsSession = db.isInTransaction();
    if (!conn.closed) {
      this.owner = holdsSession ? conn : null;
    } else if (holdsSession || this.owner === conn) {
      this.owner = null;
      this.resetNeeded = true;
    }
  }

  private drop(conn: Connection, farewell?: Buffer): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    this.queue = this.queue.filter((job) => job.conn !== conn);
    if (farewell && conn.socket.writable) conn.socket.end(farewell, () => conn.socket.destroy());
    else conn.socket.destroy();
    // While its message runs, run() sees `closed` afterwards and resets the session itself.
    if (this.owner === conn && this.running !== conn) {
      this.owner = null;
      this.resetNeeded = true;
      this.kick();
    }
  }

  /**
   * Undoes whatever the departed client left open. ROLLBACK first: an Execute without its Sync runs in an
   * implicit transaction that a bare Sync would COMMIT, and ROLLBACK also ends an explicit one. Then Sync, to
   * leave an unfinished or failed extended sequence (until a Sync arrives Postgres skips every message, the
   * first ROLLBACK included), and ROLLBACK again for an explicit transaction that was in that failed state.
   */
  private async resetSession(): Promise<void> {
    const { db, guard } = this.opts;
    const discard = { onRawData: () => undefined };
    await db
      .runExclusive(async () => {
        await db.execProtocolRawStream(ROLLBACK, discard);
        await db.execProtocolRawStream(SYNC, discard);
        guard.reset();
        if (db.isInTransaction()) await db.execProtocolRawStream(ROLLBACK, discard);
      })
      .catch(() => guard.reset());
  }

  private dropStalled(): void {
    const now = Date.now();
    for (const conn of this.connections) {
      const holdsSession = conn === this.owner && this.running !== conn && !this.queue.some((job) => job.conn === conn);
      const midMessage = conn.reader.hasPartialFrame || !conn.reader.isStartedUp;
      if (!(holdsSession || midMessage) || now - conn.lastProgress <= this.opts.stallTimeoutMs) continue;
      const why = holdsSession ? 'held the embedded database idle' : 'stopped in the middle of a message';
      this.drop(conn, errorResponse(holdsSession ? '25P03' : '08P01', `terminating connection: it ${why} for over ${this.opts.stallTimeoutMs} ms`));
    }
  }
}
