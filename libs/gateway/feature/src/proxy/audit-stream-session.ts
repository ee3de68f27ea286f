import type { AuditLogEntryV1 } from '@modelguard/contracts';
import type { Response } from 'express';
import { type AuditStreamFilter, matchesFilter } from './audit-stream-filter';


export interface SessionLimits {
  heartbeatMs: number;
  maxBufferedBytes: number;
}

/**
 * One SSE client. Everything it is sent goes through `write`, which measures what the client has not read yet
 * (`writableLength`: bytes queued in this process because the socket is full). A live client past the bound leaves
 * the live fan-out (which never waits for anyone) and catches up at its own pace through replay pages, each written
 * only once the previous one was read; a client that reads nothing for a while is cut off. So what one client holds
 * in this process stays under the bound plus one page, and no client slows another down.
 */
export class AuditStreamSession {
  /** Id of the newest entry this client has been sent or has passed by (filtered out): the resume point. */
  cursor: bigint;
  /** False while replaying: the follower delivers live entries only to live sessions. */
  live = false;
  closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly res: Response,
    readonly user: string,
    readonly filter: AuditStreamFilter,
    private readonly limits: SessionLimits,
    private readonly hooks: { lagging(session: AuditStreamSession): void; dropped(session: AuditStreamSession, queuedBytes: number): void; closed(session: AuditStreamSession): void },
  ) {
    this.cursor = 0n;
  }

  /** Sends the SSE preamble: headers, a reconnect delay for EventSource, and a first comment. */
  open(): void {
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    // Reverse proxies (nginx) buffer responses by default; an event stream must pass through as it is written.
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
    this.res.on('close', () => this.close());
    // The client may have gone while the stream was being set up: its 'close' has fired already.
    if (this.res.socket === null || this.res.socket.destroyed) {
      this.close();
      return;
    }
    // A comment line: ignored by EventSource, but keeps intermediaries from timing the connection out.
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.limits.heartbeatMs);
    this.heartbeat.unref();
    this.write('retry: 2000\n: audit stream\n\n');
  }

  /** Sends `entry` when it is past the cursor and matches the filter; the cursor moves past it either way. */
  deliver(entry: AuditLogEntryV1): void {
    const id = BigInt(entry.id);
    if (this.closed || id <= this.cursor) return;
    this.cursor = id;
    if (!matchesFilter(this.filter, entry)) return;
    this.write(`id: ${entry.id}\ndata: ${JSON.stringify(entry)}\n\n`);
  }

  /** Moves the resume point without sending (everything up to `id` that matched was sent by the replay). */
  advanceTo(id: bigint): void {
    if (id > this.cursor) this.cursor = id;
  }

  /** Resolves when the client has read what is queued (replay pages wait for it), or drops it after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    if (this.closed || !this.res.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.res.off('drain', done);
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        this.drop();
      }, timeoutMs);
      this.res.on('drain', done);
      this.closeListeners.push(done);
    });
  }

  /** Ends the stream normally (shutdown, upstream failure): the client reconnects with Last-Event-ID. */
  end(): void {
    if (this.closed) return;
    this.res.end();
    this.close();
  }

  private write(text: string): void {
    if (this.closed) return;
    this.res.write(text);
    // While replaying, the replay paces itself (drained); live, a client this far behind leaves the fan-out.
    if (this.live && this.res.writableLength > this.limits.maxBufferedBytes) {
      this.live = false;
      this.hooks.lagging(this);
    }
  }

  private drop(): void {
    if (this.closed) return;
    this.hooks.dropped(this, this.res.writableLength);
    // destroy, not end: end would wait to flush the very bytes the client is not reading.
    this.res.destroy();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const listener of this.closeListeners.splice(0)) listener();
    this.hooks.closed(this);
  }
}
