import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import type { Logger } from '@modelguard/observability';
import { type Backoff, backoffDelay } from '@modelguard/jobs';
import { DATA_SOURCE, schemaOf } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { MESSAGING_LOGGER, MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.tokens';
import { TRANSPORT_CLIENT, type TransportClient } from '../transport-client';
import type { WireMessage } from '../wire-message';
import { envelopeHeaders } from '../envelope.codec';
import type { Envelope } from '@modelguard/contracts';
import { installOutboxCommitHook } from './outbox-commit.subscriber';

const BATCH_SIZE = 100;
/** Waits after failed relay passes: 100 ms, doubling, at most 5 s (a database or broker outage). */
const ERROR_BACKOFF: Backoff = { initialMs: 100, maxMs: 5_000 };
/** How long a claim keeps other replicas off rows being published (far above any broker send timeout). */
const CLAIM_TTL_SECONDS = 60;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/**
 * Published outbox rows and inbox rows are kept this long, then deleted. Inbox rows must outlive any
 * plausible redelivery (Kafka retention, DLT redrive), so a week; published outbox rows are kept for debugging.
 */
export const MESSAGING_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

interface OutboxRow {
  id: string;
  envelope: Envelope;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows in id order. Rows are claimed (claimed_until) in a short statement, so several
 * replicas of a service can relay concurrently without publishing a row twice in the normal case and no lock is
 * held while the broker is slow; a crash between publish and mark re-publishes (at-least-once), which the
 * consumers' inbox absorbs. On shutdown the relay makes one last pass, so committed events leave with the process.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly schema: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private lastError: string | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(TRANSPORT_CLIENT) private readonly transport: TransportClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(MESSAGING_LOGGER) logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.schema = schemaOf(dataSource);
    this.logger = logger.child({ component: 'OutboxRelay' });
  }

  onApplicationBootstrap(): void {
    installOutboxCommitHook(this.dataSource, () => this.wake());
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /**
   * Ends the loop and makes one last flush: rows committed by requests and jobs that finished while the process
   * drained go out now, not at the next start. Idempotent: the graceful shutdown calls it after the consumer and
   * the job workers have stopped (they write outbox rows), Nest's destroy hook again later.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      this.wake();
      await this.loop;
      if (this.dataSource.isInitialized) {
        await this.relayOnce().catch((err: unknown) => this.logger.warn('final outbox flush failed; rows stay for the next start', { error: String(err) }));
      }
    })();
    return this.stopping;
  }

  /** Ask for an immediate relay pass (called after local commits that wrote outbox rows). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Unpublished rows and the age of the oldest, for health and tests. */
  async backlog(): Promise<{ pending: number; oldestAgeMs: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)) * 1000, 0)::float8 AS age
       FROM "${this.schema}"."outbox" WHERE published_at IS NULL`,
    )) as Array<{ pending: number; age: number }>;
    return { pending: row.pending, oldestAgeMs: Math.round(row.age) };
  }

  get error(): string | undefined {
    return this.lastError;
  }

  /** Deletes published outbox rows and inbox rows older than `retentionMs`; returns how many of each. */
  async prune(retentionMs = MESSAGING_RETENTION_MS): Promise<{ outbox: number; inbox: number }> {
    const cutoff = new Date(Date.now() - retentionMs);
    const [, outbox] = (await this.dataSource.query(
      `DELETE FROM "${this.schema}"."outbox" WHERE published_at IS NOT NULL AND published_at <= $1`,
      [cutoff],
    )) as [unknown, number];
    const [, inbox] = (await this.dataSource.query(`DELETE FROM "${this.schema}"."inbox" WHERE processed_at <= $1`, [cutoff])) as [unknown, number];
    return { outbox, inbox };
  }

  /**
   * Publishes one batch; returns how many rows it published. Three short steps, none holding a row lock across
   * the broker call: claim (one autocommitted UPDATE, SKIP LOCKED so replicas take disjoint rows), send, mark
   * published. A claim expires after CLAIM_TTL_SECONDS, so rows of a relay that died mid-send are re-published by
   * another (at-least-once; the consumers' inbox drops the duplicate).
   */
  async relayOnce(): Promise<number> {
    const claimed = (await this.dataSource.query(
      `UPDATE "${this.schema}"."outbox" SET claimed_until = now() + make_interval(secs => $2)
       WHERE id IN (SELECT id FROM "${this.schema}"."outbox"
                    WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, envelope, headers`,
      [BATCH_SIZE, CLAIM_TTL_SECONDS],
    )) as [OutboxRow[], number];
    // UPDATE ... RETURNING does not keep the subquery's order; publish in id (= commit) order.
    const rows = claimed[0].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    try {
      await this.transport.send(rows.map(toWire));
    } catch (err) {
      // Hand the rows back at once so the retry (or another replica) need not wait for the claim to expire.
      await this.dataSource
        .query(`UPDATE "${this.schema}"."outbox" SET claimed_until = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL`, [ids])
        .catch(() => undefined);
      throw err;
    }
    await this.dataSource.query(`UPDATE "${this.schema}"."outbox" SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[])`, [ids]);
    return rows.length;
  }

  private async run(): Promise<void> {
    const pollMs = this.options.relayPollMs ?? this.config.messaging.relayPollMs;
    let failures = 0;
    let lastPrune = Date.now();
    while (this.running) {
      this.woken = false;
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        await this.prune().catch((err: unknown) => this.logger.warn('outbox/inbox prune failed', { error: String(err) }));
      }
      let published = 0;
      try {
        published = await this.relayOnce();
        failures = 0;
        this.lastError = undefined;
      } catch (err) {
        if (!this.running || !this.dataSource.isInitialized) return;
        this.lastError = err instanceof Error ? err.message : String(err);
        failures += 1;
        const retryInMs = backoffDelay(ERROR_BACKOFF, failures);
        this.logger.warn('outbox relay failed, retrying', { retryInMs, error: this.lastError });
        await this.sleep(retryInMs, false);
        continue;
      }
      if (published === BATCH_SIZE || this.woken) continue;
      await this.sleep(pollMs, true);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = wakeable ? done : () => (this.running ? undefined : done());
    });
  }
}

function toWire(row: OutboxRow): WireMessage {
  return {
    topic: row.envelope.type,
    key: row.envelope.key,
    value: JSON.stringify(row.envelope),
    headers: { ...row.headers, ...envelopeHeaders(row.envelope) },
  };
}
