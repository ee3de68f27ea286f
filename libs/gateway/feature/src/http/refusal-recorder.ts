import { Topic, type PayloadOf, type RefusalReason } from '@modelguard/contracts';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ActorRequest } from '../auth/auth.decorators';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import { clientAddress } from '../rate-limit/rate-limiter';
import { type Coalesced, type CoalescerLimits, RefusalCoalescer } from './refusal-coalescer';
import { boundedAddress, routeFactsOf, scrubMessage } from './refusal-rule';

type RefusalFacts = Omit<PayloadOf<typeof Topic.RequestRefused>, 'suppressed'>;

/**
 * A window of 10 s per identity (or address) and reason, at most 200 entries per window in all, at most 10,000 keys:
 * a flood costs a bounded number of small writes per 10 s per replica, while a single refusal is recorded at once.
 */
export const REFUSAL_COALESCING: CoalescerLimits = { windowMs: 10_000, maxKeys: 10_000, maxEntriesPerWindow: 200 };
/** How often counted repeats whose window has ended are written out. */
const FLUSH_INTERVAL_MS = 1_000;

type RefusedRequest = ActorRequest & {
  method: string;
  socket: { remoteAddress?: string };
  baseUrl?: string;
  path?: string;
  route?: { path?: unknown };
  params?: Record<string, unknown>;
};

/**
 * Records the gateway's refusals in the security log: each becomes a RequestRefused event written through the outbox
 * in its own small transaction (there is no state change to share one with), coalesced by RefusalCoalescer. Recording
 * never delays or changes the answer: it runs after the response is decided, and a failure to record is logged, never
 * thrown (a refusal must not turn into a 500 because the database is busy).
 */
@Injectable()
export class RefusalRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly coalescer = new RefusalCoalescer<RefusalFacts>(REFUSAL_COALESCING);
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'RefusalRecorder' });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.writeAll(this.coalescer.due(this.clock.now())), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.writeAll(this.coalescer.drain());
    await Promise.allSettled([...this.inFlight]);
  }

  /** Called by the exception filter for an audited refusal; returns at once. */
  record(req: RefusedRequest, status: number, reason: RefusalReason, message: string): void {
    try {
      const facts = factsOf(req, status, reason, message);
      const key = facts.actor !== null ? `identity:${facts.actor.name}|${reason}` : `address:${facts.clientAddress}|${reason}`;
      const entry = this.coalescer.offer(key, facts, this.clock.now());
      if (entry !== null) this.writeAll([entry]);
    } catch (error: unknown) {
      this.logger.warn('could not record a refusal', { err: error });
    }
  }

  private writeAll(entries: Coalesced<RefusalFacts>[]): void {
    for (const entry of entries) {
      const write = this.write(entry).finally(() => this.inFlight.delete(write));
      this.inFlight.add(write);
    }
  }

  private async write({ facts, suppressed, flood }: Coalesced<RefusalFacts>): Promise<void> {
    const payload: PayloadOf<typeof Topic.RequestRefused> = flood
      ? { ...facts, actor: null, clientAddress: '', artifact: null, route: '*', reason: 'flood', message: `${suppressed + 1} refusals beyond the recording budget, recorded as this one entry`, suppressed }
      : { ...facts, suppressed };
    try {
      await this.dataSource.transaction((m) => this.outbox.enqueue(m, Topic.RequestRefused, payload, { key: payload.actor?.name ?? (payload.clientAddress || 'flood') }));
    } catch (error: unknown) {
      this.logger.warn('could not record a refusal', { err: error, reason: payload.reason, status: payload.status });
    }
  }
}

function factsOf(req: RefusedRequest, status: number, reason: RefusalReason, message: string): RefusalFacts {
  const { route, artifact } = routeFactsOf(req);
  const actor = req.actor;
  return {
    actor: actor === undefined ? null : { name: actor.name.slice(0, 256), isAdmin: actor.isAdmin },
    clientAddress: boundedAddress(clientAddress(req)),
    method: /^[A-Z]{1,10}$/.test(req.method) ? req.method : 'OTHER',
    route,
    artifact,
    status,
    reason,
    message: scrubMessage(message),
  };
}
