import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { EventDispatcher } from './consumer/event-dispatcher';
import { HandlerRegistry } from './consumer/handler-registry';
import { RETRY_POLICY, type RetryPolicy } from './consumer/retry-policy';
import { EventPublisher } from './event-publisher';
import { defaultInProcessBroker, InProcessBroker } from './in-process/in-process-broker';
import { InProcessTransportClient } from './in-process/in-process-transport.client';
import { KafkaTransportClient } from './kafka/kafka-transport.client';
import { MessagingHealthIndicator } from './messaging.health';
import { createLogger } from '@modelguard/observability';
import { IN_PROCESS_BROKER, MESSAGING_LOGGER, MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.tokens';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { TRANSPORT_CLIENT, type TransportClient } from './transport-client';

/** The broker this service actually uses in in-process mode (injected one, or the process default). */
export const RESOLVED_IN_PROCESS_BROKER = Symbol.for('modelguard.messaging.resolved-broker');

@Injectable()
class TransportCloser implements OnApplicationShutdown {
  constructor(@Inject(TRANSPORT_CLIENT) private readonly transport: TransportClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/**
 * Outbox + relay, inbox-backed @OnEvent dispatch, direct EventPublisher and health for one service.
 * Requires APP_CONFIG (global ConfigModule) and PersistenceModule (DATA_SOURCE) in the same application.
 */
@Module({})
export class MessagingModule {
  static forService(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: MESSAGING_LOGGER,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createLogger(options.service, { level: config.log.level }),
        },
        {
          provide: RESOLVED_IN_PROCESS_BROKER,
          inject: [{ token: IN_PROCESS_BROKER, optional: true }],
          useFactory: (broker?: InProcessBroker) => broker ?? defaultInProcessBroker,
        },
        {
          provide: RETRY_POLICY,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): RetryPolicy => options.retry ?? config.messaging.retry,
        },
        {
          provide: TRANSPORT_CLIENT,
          inject: [APP_CONFIG, RESOLVED_IN_PROCESS_BROKER],
          useFactory: (config: AppConfig, broker: InProcessBroker): TransportClient =>
            config.messaging.transport === 'kafka'
              ? new KafkaTransportClient({ brokers: config.messaging.brokers, clientId: config.messaging.clientId })
              : new InProcessTransportClient(broker),
        },
        HandlerRegistry,
        EventDispatcher,
        Outbox,
        OutboxRelay,
        EventPublisher,
        MessagingHealthIndicator,
        TransportCloser,
      ],
      exports: [Outbox, EventPublisher, EventDispatcher, OutboxRelay, MessagingHealthIndicator, RESOLVED_IN_PROCESS_BROKER, TRANSPORT_CLIENT],
    };
  }
}

/** Makes one broker instance visible to every module of an application (embedded mode, tests). */
@Module({})
export class InProcessBrokerModule {
  static forBroker(broker: InProcessBroker): DynamicModule {
    return { module: InProcessBrokerModule, global: true, providers: [{ provide: IN_PROCESS_BROKER, useValue: broker }], exports: [IN_PROCESS_BROKER] };
  }
}
