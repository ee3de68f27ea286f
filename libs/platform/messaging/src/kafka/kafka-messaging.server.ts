import { type KafkaStatus, ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachMessagePayload, IHeaders } from '@nestjs/microservices/external/kafka.interface';
import type { EventDispatcher } from '../consumer/event-dispatcher';
import { kafkaClientConfig, kafkaConsumerConfig, type KafkaConnectionOptions } from './kafka-client-options';
import { ConsumerRestarter } from './consumer-restarter';

/** Consumer status while it has never run because no broker answered (start-up before the broker). */
export const WAITING_FOR_BROKER = 'waiting-for-broker';
/** How long the start waits for the consumer's first run before the service goes on starting without it. */
const FIRST_START_WAIT_MS = 5_000;

/**
 * Nest's Kafka server, narrowed to our model: one consumer group per service (deterministic id, no Nest
 * postfix), reading from the beginning for new groups, every message handed to the EventDispatcher
 * (validation, inbox, retry, DLT). The offset is committed only after the dispatcher resolves, so a crash
 * mid-handler means redelivery, and the inbox makes that harmless.
 */
export class KafkaMessagingServer extends ServerKafka {
  private restarter: ConsumerRestarter | undefined;

  /**
   * @param groupId the service's consumer group: deterministic (config.messaging.clientId, which defaults to
   *   `modelguard-<service>`), so every replica of a service shares one group and a restart resumes from
   *   the committed offsets. Tests isolate runs by giving each run its own KAFKA_CLIENT_ID.
   */
  constructor(
    private readonly dispatcher: EventDispatcher,
    connection: KafkaConnectionOptions & { groupId: string },
  ) {
    const { logLevel: _ignored, ...client } = kafkaClientConfig({ ...connection, clientId: `${connection.clientId}-consumer` });
    // kafkajs and Nest's copy of its typings disagree on partitionAssigners, which we never set.
    const { partitionAssigners: _unused, ...consumer } = kafkaConsumerConfig(connection.groupId, connection);
    super({
      postfixId: '',
      client,
      consumer,
      subscribe: { fromBeginning: true },
      run: { autoCommit: true, partitionsConsumedConcurrently: 1 },
    });
  }

  /**
   * Consumer only: our publishing goes through the outbox relay's own producer. A broker that cannot be reached yet
   * does not fail the start (start-up order must not matter): the service starts, its readiness names the waiting
   * consumer, and the ConsumerRestarter retries with backoff until the consumer runs.
   */
  override async start(callback: () => void): Promise<void> {
    const client = this.client as NonNullable<typeof this.client>;
    const consumer = client.consumer({ ...this.options.consumer, groupId: this.groupId });
    this.consumer = consumer;
    this.registerConsumerEventListeners();
    let everRan = false;
    let firstRun = false; // the last successful run was the consumer's first (only for the log line)
    let connected = false; // the broker answered; joining the group may still take a moment
    this.restarter = new ConsumerRestarter(
      {
        connectAndRun: async () => {
          await consumer.connect();
          connected = true;
          try {
            await this.bindEvents(consumer);
          } catch (error) {
            connected = false;
            throw error;
          }
          firstRun = !everRan;
          everRan = true;
        },
        disconnect: () => consumer.disconnect(),
      },
      {
        onRestartFailed: (error, nextMs) => {
          if (!everRan) this.reportWaiting();
          this.logger.warn(`consumer ${everRan ? 'restart' : 'start'} failed (${error instanceof Error ? error.message : String(error)}), next try in ${nextMs} ms`);
        },
        onRestarted: (attempts) =>
          this.logger.warn(
            firstRun ? `consumer started once a broker answered (retry ${attempts})` : `consumer restarted after kafkajs gave up on it (attempt ${attempts})`,
          ),
      },
    );
    consumer.on(consumer.events.CRASH, (event) => this.restarter?.onCrash(event.payload.restart));
    if (!(await this.restarter.start(FIRST_START_WAIT_MS))) {
      if (!connected) this.reportWaiting();
      this.logger.warn('no Kafka broker answers yet: starting without consuming, retrying in the background');
    }
    callback();
  }

  /** Readiness (MessagingHealthIndicator) reads this: the consumer has never run yet. */
  private reportWaiting(): void {
    this._status$.next(WAITING_FOR_BROKER as KafkaStatus);
  }

  override async close(): Promise<void> {
    this.restarter?.close();
    await super.close();
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = this.dispatcher.topics();
    if (topics.length === 0) return; // nothing to consume: do not join a group at all
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: 1,
      eachMessage: async ({ topic, message, heartbeat }: EachMessagePayload) => {
        await this.dispatcher.dispatch({
          topic,
          key: message.key ? message.key.toString('utf8') : null,
          value: message.value,
          headers: decodeHeaders(message.headers),
          heartbeat,
        });
      },
    });
  }
}

/** Kafka header values may be Buffers, strings or arrays of them; ours are single strings. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first != null) out[name] = first.toString();
  }
  return out;
}
