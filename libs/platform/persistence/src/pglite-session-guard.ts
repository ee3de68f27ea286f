import type { PGlite } from '@electric-sql/pglite';

/** Extended-query protocol messages: Parse, Bind, Describe, Execute, Close, Flush. */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = 'S'.charCodeAt(0);
const SIMPLE_QUERY = 'Q'.charCodeAt(0);

/** True for the message types that end an extended sequence (Sync) or are never part of one (a simple Query). */
export function endsExtendedSequence(type: number): boolean {
  return type === SYNC || type === SIMPLE_QUERY;
}

export interface ExtendedProtocolGuard {
  /** Forget an unfinished Parse…Sync sequence (its client is gone and the session was sent a Sync). */
  reset(): void;
  /**
   * The wire server answered a Parse or Close itself (pglite-shared-statements.ts): the sequence is open as if
   * PGlite had run it, so the connection keeps the session until its Sync.
   */
  holdSequence(): void;
}

/**
 * PGlite is ONE Postgres session shared by every socket connection. The socket server keeps a connection
 * exclusive only while a transaction block is open, so two pools running parameterised queries outside a
 * transaction interleave their Parse/Bind/Execute messages and clobber each other's unnamed prepared
 * statement ("unnamed prepared statement does not exist"). This guard makes an unfinished
 * Parse…Sync sequence count as "in transaction", so the socket's queue keeps serving that connection
 * until its Sync, exactly as it does for BEGIN…COMMIT.
 * The returned handle lets the socket server clear the flag when it drops a client mid-sequence (after it has
 * sent the session a Sync itself), so a vanished client does not keep the session reserved.
 */
export function guardExtendedProtocol(db: PGlite): ExtendedProtocolGuard {
  let extendedInFlight = false;
  const isInTransaction = db.isInTransaction.bind(db);
  const execProtocolRawStream = db.execProtocolRawStream.bind(db);
  Object.assign(db, {
    isInTransaction: () => extendedInFlight || isInTransaction(),
    execProtocolRawStream: async (message: Uint8Array, options: Parameters<PGlite['execProtocolRawStream']>[1]) => {
      const type = message[0];
      if (EXTENDED.has(type)) extendedInFlight = true;
      else if (endsExtendedSequence(type)) extendedInFlight = false;
      return execProtocolRawStream(message, options);
    },
  });
  return {
    reset: () => {
      extendedInFlight = false;
    },
    holdSequence: () => {
      extendedInFlight = true;
    },
  };
}
