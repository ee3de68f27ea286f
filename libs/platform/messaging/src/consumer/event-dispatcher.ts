import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@modelguard/observability';
import { dltTopicOf, Headers, type TopicName } from '@modelguard/contracts';
import { DATA_SOURCE, runInTransaction, schemaOf } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { decodeEnvelope } from '../envelope.codec';
import { type RetryPolicy, RETRY_POLICY, redeliveryDelay } from './retry-policy';
import { runInExtractedContext } from '../trace-context';
import { TRANSPORT_CLIENT, type TransportClient } from '../transport-client';
import type { IncomingMessage } from '../wire-message';
import { HandlerRegistry, type RegisteredHandler } from './handler-registry';
import { NonRetriableError } from './on-event.decorator';
import { MESSAGING_LOGGER, MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.tokens';

export type DltErrorKind = 'schema' | 'handler' | 'non-retriable';

/**
 * The consumer side shared by both transports: decode and validate, then run each handler of the topic in
 * its own transaction with its inbox row, retry transient failures with exponential backoff, and
 * dead-letter what cannot be processed. Resolves once the message is done (processed, skipped as a
 * duplicate or dead-lettered); rejects only if dead-lettering itself failed or the service is stopping, so the
 * transport redelivers.
 */
@Injectable()
export class EventDispatcher {
  /** Own logger, not Nest's static one: in embedded mode several services share the process. */
  private readonly logger: Logger;
  private readonly schema: string;

  constructor(
    private readonly registry: HandlerRegistry,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(TRANSPORT_CLIENT) private readonly transport: TransportClient,
    @Inject(RETRY_POLICY) private readonly retry: RetryPolicy,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(MESSAGING_LOGGER) logger: Logger,
  ) {
    this.schema = schemaOf(dataSource);
    this.logger = logger.child({ component: 'EventDispatcher' });
  }

  get service(): string {
    return this.options.service;
  }

  topics(): TopicName[] {
    return this.registry.topics();
  }

  async dispatch(message: IncomingMessage): Promise<void> {
    const handlers = this.registry.handlersFor(message.topic);
    if (handlers.length === 0) return;
    const decoded = decodeEnvelope(message.topic, message.value);
    if (!decoded.ok) {
      this.logger.warn('dead-lettering malformed message', { topic: message.topic, error: decoded.error });
      await this.deadLetter(message, 'schema', decoded.error, 0);
      return;
    }
    const { envelope } = decoded;
    await runInExtractedContext(
      message.headers,
      `${message.topic} process`,
      { 'messaging.system': this.transport.kind, 'messaging.destination.name': message.topic, 'messaging.message.id': envelope.eventId, 'messaging.consumer.group.name': this.service },
      async () => {
        for (const handler of handlers) await this.runHandler(handler, message, envelope);
      },
    );
  }

  private async runHandler(handler: RegisteredHandler, message: IncomingMessage, envelope: { eventId: string }): Promise<void> {
    const maxAttempts = this.retry.attempts + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!handler.inbox) {
          await handler.invoke(envelope, { manager: this.dataSource.manager, attempt, headers: message.headers, topic: message.topic as TopicName });
          return;
        }
        await runInTransaction(this.dataSource, async (manager) => {
          // The inbox row and the handler's writes commit together: a redelivery finds the row and skips.
          const inserted = (await manager.query(
            `INSERT INTO "${this.schema}"."inbox" ("consumer", "event_id", "topic") VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING RETURNING "event_id"`,
            [handler.consumer, envelope.eventId, message.topic],
          )) as unknown[];
          if (inserted.length === 0) return;
          await handler.invoke(envelope, { manager, attempt, headers: message.headers, topic: message.topic as TopicName });
        });
        return;
      } catch (err) {
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        // A stopping service closes its database under handlers still in flight ("Driver not Connected"). That says
        // nothing about the message: retrying against a closed pool cannot succeed and dead-lettering would misfile a
        // good event, so reject instead and the transport delivers it again after the restart (offset not committed).
        if (!this.dataSource.isInitialized) {
          this.logger.warn('service stopping: leaving the message for redelivery', { consumer: handler.consumer, eventId: envelope.eventId, topic: message.topic, attempt, error: reason });
          throw new Error(`${this.service} is stopping; ${message.topic} ${envelope.eventId} left for redelivery`);
        }
        if (err instanceof NonRetriableError || attempt >= maxAttempts) {
          const kind: DltErrorKind = err instanceof NonRetriableError ? 'non-retriable' : 'handler';
          this.logger.error('handler failed, dead-lettering', { consumer: handler.consumer, eventId: envelope.eventId, topic: message.topic, attempt, error: reason });
          await this.deadLetter(message, kind, reason, attempt);
          return;
        }
        this.logger.warn('handler failed, retrying', { consumer: handler.consumer, eventId: envelope.eventId, topic: message.topic, attempt, error: reason });
        await message.heartbeat?.().catch(() => undefined);
        await new Promise((r) => setTimeout(r, redeliveryDelay(this.retry, attempt)));
      }
    }
  }

  private async deadLetter(message: IncomingMessage, kind: DltErrorKind, error: string, attempt: number): Promise<void> {
    const value = message.value == null ? '' : typeof message.value === 'string' ? message.value : message.value.toString('utf8');
    await this.transport.send([
      {
        topic: dltTopicOf(message.topic),
        key: message.key ?? 'unknown',
        value,
        headers: {
          ...message.headers,
          [Headers.DltError]: error.slice(0, 2_000),
          [Headers.DltErrorKind]: kind,
          [Headers.DltOriginalTopic]: message.topic,
          [Headers.DltFailedAt]: new Date().toISOString(),
          [Headers.DltConsumerGroup]: this.service,
          [Headers.Attempt]: String(attempt),
        },
      },
    ]);
  }
}
