import { Inject, Injectable } from '@nestjs/common';
import type { Envelope, PayloadOf, TopicName } from '@modelguard/contracts';
import { DATA_SOURCE, schemaOf } from '@modelguard/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { createEnvelope, type EnqueueOptions } from '../envelope.codec';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.tokens';
import { captureTraceHeaders } from '../trace-context';
import { markOutboxWritten } from './outbox-commit.subscriber';

/**
 * The only way feature code emits events: the event is written in the caller's transaction and the relay
 * publishes it after commit. If the transaction rolls back, the event never existed.
 */
@Injectable()
export class Outbox {
  private readonly schema: string;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {
    this.schema = schemaOf(dataSource);
  }

  /** Validates the payload against the topic's schema (throws MessageValidationError) and writes the row. */
  async enqueue<T extends TopicName>(
    manager: EntityManager,
    topic: T,
    payload: PayloadOf<T>,
    opts: EnqueueOptions,
  ): Promise<Envelope<PayloadOf<T>>> {
    const envelope = createEnvelope(this.options.service, topic, payload, opts);
    await manager.query(
      `INSERT INTO "${this.schema}"."outbox" ("event_id", "topic", "key", "envelope", "headers") VALUES ($1, $2, $3, $4, $5)`,
      [envelope.eventId, topic, envelope.key, JSON.stringify(envelope), JSON.stringify(captureTraceHeaders())],
    );
    markOutboxWritten(manager);
    return envelope;
  }

  /**
   * Writes the caller's own row and the event in ONE statement (`WITH written AS (<write>) INSERT INTO outbox …`):
   * atomic without an explicit transaction, one round trip instead of BEGIN, two INSERTs and COMMIT. For hot
   * paths whose only state change is that row (a download's history row): the pooled connection is held for one
   * statement instead of for a transaction whose statements each wait on a busy event loop.
   *
   * `write.sql` must be a single data-modifying statement (INSERT/UPDATE/DELETE, no trailing `;`) using `$1..$n`
   * for `write.params`; Postgres runs a data-modifying CTE even though nothing reads it.
   */
  async enqueueWith<T extends TopicName>(
    manager: EntityManager,
    topic: T,
    payload: PayloadOf<T>,
    opts: EnqueueOptions,
    write: { sql: string; params: readonly unknown[] },
  ): Promise<Envelope<PayloadOf<T>>> {
    const envelope = createEnvelope(this.options.service, topic, payload, opts);
    const n = write.params.length;
    await manager.query(
      `WITH written AS (${write.sql})
       INSERT INTO "${this.schema}"."outbox" ("event_id", "topic", "key", "envelope", "headers") VALUES ($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`,
      [...write.params, envelope.eventId, topic, envelope.key, JSON.stringify(envelope), JSON.stringify(captureTraceHeaders())],
    );
    markOutboxWritten(manager);
    return envelope;
  }
}
