/**
 * Named prepared statements on PGlite's ONE session, shared by every socket connection.
 *
 * `pg` remembers per connection which statement names it has parsed; Postgres remembers them per session. On a
 * real server the two agree. Here every connection talks to the same session, so the second connection to send
 * `Parse "mg_…"` would be told the statement already exists. The wire server therefore answers a Parse that
 * repeats, byte for byte, a statement the session already holds with ParseComplete itself, and keeps shared
 * statements when one connection Closes them (others still use them). Anything else goes to PGlite unchanged: a
 * different statement under a known name still gets Postgres's own "already exists" error.
 */

const PARSE = 0x50; // 'P'
const CLOSE = 0x43; // 'C'
const STATEMENT = 0x53; // 'S', Close's target kind
const ERROR_RESPONSE = 0x45; // 'E'
const PARSE_COMPLETE_TYPE = 0x31; // '1'

export const PARSE_COMPLETE = Uint8Array.of(PARSE_COMPLETE_TYPE, 0, 0, 0, 4);
export const CLOSE_COMPLETE = Uint8Array.of(0x33, 0, 0, 0, 4);

export class SharedStatements {
  /** Statement name → the Parse message that created it in the session. */
  private readonly parsed = new Map<string, Buffer>();

  get size(): number {
    return this.parsed.size;
  }

  /**
   * The reply to send instead of running `message`, or null to run it. A Parse the session already holds is
   * answered with ParseComplete; a Close of a shared statement with CloseComplete. `failedSequence`: an earlier
   * message since the last Sync failed, so Postgres ignores this one and so must the reply.
   */
  replyFor(message: Uint8Array, failedSequence: boolean): Uint8Array | null {
    if (failedSequence) return null;
    if (message[0] === PARSE) {
      const name = cString(message, 5);
      const known = name ? this.parsed.get(name) : undefined;
      return known !== undefined && Buffer.compare(known, message) === 0 ? PARSE_COMPLETE : null;
    }
    if (message[0] === CLOSE && message[5] === STATEMENT) {
      const name = cString(message, 6);
      return name && this.parsed.has(name) ? CLOSE_COMPLETE : null;
    }
    return null;
  }

  /** After PGlite ran `message` and answered starting with `firstReplyType`: remembers a statement it created. */
  recordRun(message: Uint8Array, firstReplyType: number): void {
    if (message[0] !== PARSE || firstReplyType !== PARSE_COMPLETE_TYPE) return;
    const name = cString(message, 5);
    if (name) this.parsed.set(name, Buffer.from(message));
  }
}

/**
 * Reads the message types of a reply as PGlite streams it (a message may straddle two chunks): the first one,
 * and whether an ErrorResponse was among them (Postgres then skips the sequence's messages up to Sync).
 */
export class ReplyScan {
  firstType = -1;
  sawError = false;
  /** Bytes of the current message still to skip, or, while negative, header bytes still to read. */
  private skip = 0;
  private readonly header = Buffer.alloc(5);
  private headerAt = 0;

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      this.header[this.headerAt++] = chunk[at++];
      if (this.headerAt < 5) continue;
      this.headerAt = 0;
      if (this.firstType < 0) this.firstType = this.header[0];
      if (this.header[0] === ERROR_RESPONSE) this.sawError = true;
      this.skip = this.header.readInt32BE(1) - 4;
    }
  }
}

/** The NUL-terminated string at `from` (frames were validated, but a missing terminator yields ''). */
function cString(message: Uint8Array, from: number): string {
  const end = message.indexOf(0, from);
  return end < 0 ? '' : Buffer.from(message.buffer, message.byteOffset + from, end - from).toString('utf8');
}
