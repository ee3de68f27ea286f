import { SEARCHED_IDS_MAX, Topic, type PayloadOf } from '@modelguard/contracts';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import type { ArtifactMetadataView } from './artifact-view';

type SearchKind = PayloadOf<typeof Topic.ArtifactsSearched>['query'];
type Searched = PayloadOf<typeof Topic.ArtifactsSearched>;

/** Searches are written out this often, all of them in one transaction. */
export const SEARCH_FLUSH_INTERVAL_MS = 100;
/** A batch this large is written at once instead of waiting for the timer. */
const FLUSH_AT = 200;
/** Searches waiting beyond this many (the database is down or far behind) are counted and dropped. */
const MAX_PENDING = 10_000;

/**
 * Publishes ArtifactsSearched for a search that found something, so the package-confusion audit can count search
 * appearances from events (confusion/popularity.handlers.ts) instead of from the request path.
 *
 * A search changes no state, so its event has no transaction to join. Writing one per request cost every lookup a
 * BEGIN/INSERT/COMMIT round trip on the hot path (bench/RESULTS.md, lookups). The events are therefore buffered and
 * written every SEARCH_FLUSH_INTERVAL_MS in one transaction, after the answer has gone out. Each search is still its
 * own event (the contract is unchanged). The price: a process that dies without its shutdown hook loses at most the
 * last interval's searches, which only feed popularity counters; SIGTERM flushes them (onApplicationShutdown).
 */
@Injectable()
export class SearchEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: Logger;
  private pending: { payload: Searched; key: string }[] = [];
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'SearchEvents' });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), SEARCH_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Queues the event of one answered search; returns at once and never throws into the request. */
  searched(query: SearchKind, items: readonly ArtifactMetadataView[], actor: RequestActor, clientAddress: string): void {
    if (items.length === 0) return;
    if (this.pending.length >= MAX_PENDING) {
      this.dropped += 1;
      return;
    }
    const payload: Searched = {
      query,
      // One page: byName and byRegEx answers can hold thousands, and a counter per page is what popularity needs.
      artifactIds: items.slice(0, SEARCHED_IDS_MAX).map((item) => item.id),
      total: items.length,
      actor: { name: actor.name, isAdmin: actor.isAdmin },
      clientAddress: clientAddress.slice(0, 128),
      searchedAt: new Date().toISOString(),
    };
    this.pending.push({ payload, key: actor.name });
    if (this.pending.length >= FLUSH_AT) void this.flush();
  }

  /** Writes every queued search now (one transaction) and waits for earlier writes still running. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (this.dropped > 0) {
      this.logger.warn(`dropped ${this.dropped} search event(s): the outbox could not keep up`);
      this.dropped = 0;
    }
    if (batch.length > 0) {
      const write = this.write(batch).finally(() => this.inFlight.delete(write));
      this.inFlight.add(write);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async write(batch: { payload: Searched; key: string }[]): Promise<void> {
    try {
      await this.dataSource.transaction(async (m) => {
        for (const { payload, key } of batch) await this.outbox.enqueue(m, Topic.ArtifactsSearched, payload, { key });
      });
    } catch (error: unknown) {
      // Popularity is a heuristic signal: a lost batch is logged, never retried into a growing backlog.
      this.logger.warn(`could not write ${batch.length} search event(s)`, { err: error });
    }
  }
}
