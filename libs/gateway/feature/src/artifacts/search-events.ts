import { SEARCH_APPEARANCES_MAX, SEARCHED_IDS_MAX, Topic, type PayloadOf } from '@modelguard/contracts';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import type { ArtifactMetadataView } from './artifact-view';

type SearchCounts = PayloadOf<typeof Topic.ArtifactsSearchedV2>;

/** Search appearances are written out this often: one event per window. */
export const SEARCH_FLUSH_INTERVAL_MS = 100;
/** A window that has counted this many distinct artifacts is written at once instead of waiting for the timer. */
const FLUSH_AT = SEARCH_APPEARANCES_MAX;

/** One window's counts: artifact id -> appearances, and when the window opened. */
interface Window {
  counts: Map<string, number>;
  from: Date;
}

/**
 * Counts how often each artifact appears in search answers and publishes the counts as ArtifactsSearched v2, so the
 * package-confusion audit can count search appearances from events (confusion/popularity.handlers.ts) instead of
 * from the request path.
 *
 * A search changes no state, so its count has no transaction to join, and writing per search cost every lookup a
 * database round trip and a consumer transaction of its own (bench/RESULTS.md, lookups). The counts of one window
 * (SEARCH_FLUSH_INTERVAL_MS) are therefore summed in memory and written as one event after the answers have gone out.
 * The price: a process that dies without its shutdown hook loses at most the last window's counts, which only feed
 * popularity counters; SIGTERM flushes them (onApplicationShutdown).
 */
@Injectable()
export class SearchEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: Logger;
  private window: Window | undefined;
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

  /** Counts one answered search; returns at once and never throws into the request. */
  searched(items: readonly ArtifactMetadataView[]): void {
    if (items.length === 0) return;
    const window = (this.window ??= { counts: new Map(), from: new Date() });
    // The answer's first page: byName and byRegEx answers can hold thousands, and popularity counts pages.
    for (const item of items.slice(0, SEARCHED_IDS_MAX)) {
      window.counts.set(item.id, (window.counts.get(item.id) ?? 0) + 1);
    }
    // The window is handed to its write at once, so it never holds more than FLUSH_AT + one page of artifacts.
    if (window.counts.size >= FLUSH_AT) void this.flush();
  }

  /** Writes the current window now and waits for earlier writes still running. */
  async flush(): Promise<void> {
    const window = this.window;
    this.window = undefined;
    if (window) {
      const write = this.write(toEvents(window, new Date())).finally(() => this.inFlight.delete(write));
      this.inFlight.add(write);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async write(events: SearchCounts[]): Promise<void> {
    try {
      // One event, the usual case, is one INSERT; a window split into several is written all or nothing.
      await this.dataSource.transaction(async (m) => {
        for (const payload of events) {
          await this.outbox.enqueue(m, Topic.ArtifactsSearchedV2, payload, { key: payload.appearances[0]?.artifactId ?? 'searches' });
        }
      });
    } catch (error: unknown) {
      // Popularity is a heuristic signal: a lost window is logged, never retried into a growing backlog.
      this.logger.warn(`could not write ${events.length} search-count event(s)`, { err: error });
    }
  }
}

/** One window's counts as events of at most SEARCH_APPEARANCES_MAX artifacts each. */
function toEvents(window: Window, to: Date): SearchCounts[] {
  const appearances = [...window.counts].map(([artifactId, count]) => ({ artifactId, count }));
  const events: SearchCounts[] = [];
  for (let i = 0; i < appearances.length; i += SEARCH_APPEARANCES_MAX) {
    events.push({ appearances: appearances.slice(i, i + SEARCH_APPEARANCES_MAX), from: window.from.toISOString(), to: to.toISOString() });
  }
  return events;
}
