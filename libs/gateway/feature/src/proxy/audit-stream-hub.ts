import { type AuditLogEntryV1, Query } from '@modelguard/contracts';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Response } from 'express';
import { ClientError } from '../domain/client-error';
import type { AuditStreamRequest } from './audit-stream-filter';
import { AUDIT_STREAM_OPTIONS, type AuditStreamOptions } from './audit-stream-options';
import { AuditStreamSession } from './audit-stream-session';
import { InternalQueriesService } from './internal-queries.service';

/** Entries per AuditEntries page: well inside the query's 2 MiB response bound even for long names and refusal messages. */
const PAGE = 200;
/** Recent entries kept to bridge a replay that finished while the follower moved on (no re-query for them). */
const RING = 1_000;

/**
 * The live half of `GET /audit/stream`: follows the audit log past its head and fans each new entry out to the live
 * sessions of this replica, and brings a resuming session from its Last-Event-ID up to the head before it joins.
 *
 * What is streamed always comes from the AuditEntries query, never from the Kafka event's payload: an event is only
 * a wake-up. The query is the audit service's own answer over its database, ordered by id (appends are serialised
 * and commit in id order, so "after the head" never misses an entry); an event could be replayed, come from another
 * log on a shared broker, or be written by anyone who can produce to the topic.
 */
@Injectable()
export class AuditStreamHub implements OnModuleDestroy {
  private readonly logger: Logger;
  private readonly sessions = new Set<AuditStreamSession>();
  private readonly perUser = new Map<string, number>();
  /** Streams being opened (the follower must not stop under them). */
  private opening = 0;
  /** The newest entry fanned out; undefined while nobody streams (the follower is stopped). */
  private head: { id: bigint } | undefined;
  private ring: AuditLogEntryV1[] = [];
  /** The head before the oldest ring entry: the ring holds every entry in (ringBase, head]. */
  private ringBase = 0n;
  private starting: Promise<void> | undefined;
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private droppedCount = 0;

  constructor(
    private readonly internal: InternalQueriesService,
    @Inject(AUDIT_STREAM_OPTIONS) private readonly options: AuditStreamOptions,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'AuditStreamHub' });
  }

  /** Streams and dropped clients so far (logged on each drop; read by tests and operators). */
  stats(): { streams: number; dropped: number } {
    return { streams: this.sessions.size, dropped: this.droppedCount };
  }

  /**
   * Serves one stream on `res` until the client goes. Refusals (429 over the per-user cap, 502 when the audit service
   * does not answer) are thrown before a byte is written; a failure after that ends the stream, and the client resumes
   * with Last-Event-ID.
   */
  async serve(res: Response, user: string, request: AuditStreamRequest): Promise<void> {
    const held = this.perUser.get(user) ?? 0;
    if (held >= this.options.maxPerUser) {
      throw new ClientError(429, `at most ${this.options.maxPerUser} audit streams per user at a time`, { 'Retry-After': '5' }, {}, 'rate-limited');
    }
    this.perUser.set(user, held + 1);
    this.opening++;
    try {
      await this.start();
    } catch (error) {
      this.release(user);
      throw error;
    } finally {
      this.opening--;
    }
    const session = new AuditStreamSession(res, user, request.filter, this.options, {
      lagging: (s) => void this.catchUp(s),
      dropped: (s, queued) => this.onDropped(s, queued),
      closed: (s) => this.onClosed(s),
    });
    this.sessions.add(session);
    session.open();
    if (session.closed) return;
    const head = (this.head as { id: bigint }).id;
    if (request.resumeAfter === null) {
      session.advanceTo(head);
      session.live = true;
      return;
    }
    session.advanceTo(request.resumeAfter);
    await this.catchUp(session);
  }

  /** Replays from the session's cursor up to live (a resume, or a live client that fell behind); never throws. */
  private async catchUp(session: AuditStreamSession): Promise<void> {
    try {
      await this.replay(session);
    } catch (error) {
      this.logger.warn(`audit stream replay failed, stream ended (the client resumes): ${error instanceof Error ? error.message : String(error)}`);
      session.end();
    }
  }

  /** An entry was appended (audit.entry-appended.v1 reached this replica): look past the head now. */
  wake(): void {
    if (this.head === undefined) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((error: unknown) => this.logger.warn(`audit stream follow failed (retried on the next poll): ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.wake();
        }
      });
  }

  onModuleDestroy(): void {
    // Open streams would keep the HTTP server from closing; ended, their clients reconnect to another replica.
    for (const session of [...this.sessions]) session.end();
    this.stop();
  }

  /**
   * Pages the session's filtered entries after its cursor until a page is the last one, then joins the live fan-out
   * without an await in between: entries the follower fanned out meanwhile are taken from the ring (or the replay
   * goes round again), so nothing between the replay and live is lost, and the cursor drops duplicates.
   */
  private async replay(session: AuditStreamSession): Promise<void> {
    for (;;) {
      // A slow reader paces the replay; one that does not read within a few heartbeats is dropped.
      await session.drained(this.options.heartbeatMs * 4);
      if (session.closed || this.head === undefined) return;
      const seenHead = this.head.id;
      const { body } = await this.internal.query(Query.AuditEntries, { ...session.filter, after: session.cursor.toString(), limit: PAGE }, 'the audit service');
      for (const entry of body.entries) session.deliver(entry);
      if (session.closed) return;
      if (body.next === null && this.joinLive(session, seenHead)) return;
    }
  }

  /** Every matching entry up to `caughtUpTo` was sent: join when the ring covers what the follower did since. */
  private joinLive(session: AuditStreamSession, caughtUpTo: bigint): boolean {
    const head = (this.head as { id: bigint }).id;
    if (head !== caughtUpTo) {
      if (this.ringBase > caughtUpTo) return false;
      for (const entry of this.ring) if (BigInt(entry.id) > caughtUpTo) session.deliver(entry);
    }
    session.advanceTo(head);
    session.live = true;
    return true;
  }

  private async start(): Promise<void> {
    if (this.head !== undefined) return;
    this.starting ??= (async () => {
      const { body } = await this.internal.query(Query.AuditHead, {}, 'the audit service');
      const id = body.lastEntryId === null ? 0n : BigInt(body.lastEntryId);
      this.head = { id };
      this.ring = [];
      this.ringBase = id;
      this.timer = setInterval(() => this.wake(), this.options.pollMs);
      this.timer.unref();
    })().finally(() => {
      this.starting = undefined;
    });
    await this.starting;
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.head = undefined;
    this.ring = [];
  }

  private async pump(): Promise<void> {
    for (;;) {
      const head = this.head;
      if (head === undefined) return;
      const { body } = await this.internal.query(Query.AuditEntries, { after: head.id.toString(), limit: PAGE }, 'the audit service');
      // Stopped (and perhaps restarted from a newer head) while the query ran: this page belongs to no one.
      if (this.head !== head) return;
      for (const entry of body.entries) this.advance(entry);
      if (body.next === null) return;
    }
  }

  private advance(entry: AuditLogEntryV1): void {
    const id = BigInt(entry.id);
    if (this.head === undefined || id <= this.head.id) return;
    this.head = { id };
    this.ring.push(entry);
    if (this.ring.length > RING) this.ringBase = BigInt((this.ring.shift() as AuditLogEntryV1).id);
    for (const session of this.sessions) if (session.live) session.deliver(entry);
  }

  private onDropped(session: AuditStreamSession, queuedBytes: number): void {
    this.droppedCount++;
    this.logger.warn(`audit stream client dropped: it read nothing for ${this.options.heartbeatMs * 4} ms with ${queuedBytes} bytes queued`, { user: session.user, dropped: this.droppedCount });
  }

  private onClosed(session: AuditStreamSession): void {
    if (!this.sessions.delete(session)) return;
    this.release(session.user);
    if (this.sessions.size === 0 && this.opening === 0) this.stop();
  }

  private release(user: string): void {
    const held = (this.perUser.get(user) ?? 1) - 1;
    if (held <= 0) this.perUser.delete(user);
    else this.perUser.set(user, held);
  }
}
