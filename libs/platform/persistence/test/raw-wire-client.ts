import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

/**
 * A hand-driven PostgreSQL wire client on a raw socket, for the misbehaviours `pg` never commits: going silent
 * inside a transaction or mid-message, sending garbage or absurd lengths. It records everything the server
 * sends and when the server closes the connection.
 */
export class RawWireClient {
  received = Buffer.alloc(0);
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on('error', () => undefined); // the server may reset us; `closed` reports it
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(socketDir: string): Promise<RawWireClient> {
    const socket = connect(join(socketDir, '.s.PGSQL.5432'));
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawWireClient(socket);
  }

  /** Connects and completes the startup handshake (waits for ReadyForQuery). */
  static async started(socketDir: string): Promise<RawWireClient> {
    const client = await RawWireClient.open(socketDir);
    client.send(startupMessage());
    await client.waitForReady(1);
    return client;
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async query(sql: string): Promise<void> {
    const before = this.readyCount();
    this.send(message('Q', Buffer.from(`${sql}\0`)));
    await this.waitForReady(before + 1);
  }

  /** SQLSTATE codes of the ErrorResponses received so far. */
  errorCodes(): string[] {
    return [...this.received.toString('latin1').matchAll(/E[\s\S]{4}S[A-Z]+\0V[A-Z]+\0C([0-9A-Z]{5})\0/g)].map((m) => m[1] ?? '');
  }

  close(): void {
    this.socket.destroy();
  }

  /** ReadyForQuery messages so far: 'Z', length 5, transaction status I, T or E. */
  private readyCount(): number {
    const text = this.received.toString('latin1');
    return ['I', 'T', 'E'].reduce((n, status) => n + text.split(`Z\0\0\0\x05${status}`).length - 1, 0);
  }

  private async waitForReady(count: number): Promise<void> {
    for (let waited = 0; this.readyCount() < count; waited += 10) {
      if (waited > 5000 || this.socket.destroyed) throw new Error(`no ReadyForQuery; got ${JSON.stringify(this.received.toString('latin1'))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** A typed frontend message: type byte, int32 length (counting itself), body. */
export function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

export function startupMessage(params: Record<string, string> = { user: 'postgres', database: 'postgres' }): Buffer {
  const body = Buffer.from(`${Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

/** Parse, Bind and Execute of an unnamed parameterless statement, without the Sync that would commit it. */
export function executeWithoutSync(sql: string): Buffer {
  return Buffer.concat([message('P', Buffer.from(`\0${sql}\0\0\0`)), message('B', Buffer.alloc(8)), message('E', Buffer.alloc(5))]);
}
