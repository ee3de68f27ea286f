/**
 * Splits a client's byte stream into PostgreSQL frontend messages and rejects anything malformed BEFORE it
 * reaches PGlite. This is not defensive tidiness: PGlite runs the real Postgres main loop inside one WASM
 * instance shared by the whole process, and a message of an unknown type, a length that disagrees with the
 * bytes, or a PasswordMessage outside authentication makes it spin forever (the Node event loop with it),
 * while a malformed StartupMessage aborts it with "Program terminated". So only whole, well-typed frames
 * with a sane length are ever passed on.
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3_0 = 196608;
const MAX_STARTUP_BYTES = 10_000;

/**
 * Frontend message types passed to PGlite: Query, Parse, Bind, Describe, Execute, Close, Flush, Sync,
 * FunctionCall and the three COPY messages (harmlessly ignored outside COPY). Terminate ('X') is handled by
 * the server itself; PasswordMessage ('p') is refused because there is no authentication step.
 */
const ALLOWED_TYPES = new Set([...'QPBDECHSFdcfX'].map((c) => c.charCodeAt(0)));

export type Frame =
  | { kind: 'ssl-request' | 'gssenc-request' | 'cancel-request' }
  | { kind: 'startup'; bytes: Uint8Array }
  | { kind: 'message'; type: string; bytes: Uint8Array };

export class ProtocolViolation extends Error {}

export class PgFrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private startedUp = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** True while bytes of an incomplete frame are buffered (a client that stops mid-message). */
  get hasPartialFrame(): boolean {
    return this.buffer.length > 0;
  }

  get isStartedUp(): boolean {
    return this.startedUp;
  }

  /** Appends a chunk and returns every complete frame in it; throws ProtocolViolation on malformed input. */
  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.startedUp ? this.nextMessage() : this.nextStartupFrame();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private nextStartupFrame(): Frame | null {
    if (this.buffer.length < 8) return null;
    const length = this.buffer.readInt32BE(0);
    const code = this.buffer.readInt32BE(4);
    if (length < 8 || length > MAX_STARTUP_BYTES) throw new ProtocolViolation(`invalid startup packet length ${length}`);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST || code === CANCEL_REQUEST) {
      const expected = code === CANCEL_REQUEST ? 16 : 8;
      if (length !== expected) throw new ProtocolViolation(`invalid length ${length} for request code ${code}`);
    } else if (code !== PROTOCOL_3_0) {
      throw new ProtocolViolation(`unsupported protocol ${code >>> 16}.${code & 0xffff}`);
    }
    if (this.buffer.length < length) return null;
    const bytes = this.take(length);
    if (code === SSL_REQUEST) return { kind: 'ssl-request' };
    if (code === GSSENC_REQUEST) return { kind: 'gssenc-request' };
    if (code === CANCEL_REQUEST) return { kind: 'cancel-request' };
    assertStartupParameters(bytes.subarray(8));
    this.startedUp = true;
    return { kind: 'startup', bytes };
  }

  private nextMessage(): Frame | null {
    if (this.buffer.length < 5) return null;
    const type = this.buffer[0];
    if (!ALLOWED_TYPES.has(type)) throw new ProtocolViolation(`invalid frontend message type ${type}`);
    const length = this.buffer.readInt32BE(1);
    if (length < 4 || length > this.maxMessageBytes) throw new ProtocolViolation(`invalid message length ${length}`);
    if (this.buffer.length < length + 1) return null;
    return { kind: 'message', type: String.fromCharCode(type), bytes: this.take(length + 1) };
  }

  private take(n: number): Uint8Array {
    // A copy, so the frame does not pin (or alias) the connection's receive buffer.
    const bytes = new Uint8Array(this.buffer.subarray(0, n));
    this.buffer = this.buffer.subarray(n);
    return bytes;
  }
}

/** name\0value\0 … \0: what Postgres itself requires, checked here because PGlite aborts on anything else. */
function assertStartupParameters(body: Uint8Array): void {
  if (body.length === 0 || body[body.length - 1] !== 0) throw new ProtocolViolation('startup parameters are not terminated');
  const strings = Buffer.from(body.subarray(0, body.length - 1)).toString('latin1').split('\0');
  // The list ends with "name\0value\0", so splitting the part before the final terminator leaves one trailing "".
  if (strings.pop() !== '' || strings.length === 0 || strings.length % 2 !== 0 || strings.some((s, i) => i % 2 === 0 && s === '')) {
    throw new ProtocolViolation('malformed startup parameters');
  }
  if (!strings.some((s, i) => i % 2 === 0 && s === 'user')) throw new ProtocolViolation('startup packet has no user');
}

/** An ErrorResponse, so a well-behaved client that is dropped learns why instead of seeing a bare EOF. */
export function errorResponse(sqlState: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}
