import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { AppConfig } from '@modelguard/config';
import type { EventDispatcher } from './consumer/event-dispatcher';
import { defaultInProcessBroker, type InProcessBroker } from './in-process/in-process-broker';
import { InProcessMessagingServer } from './in-process/in-process-messaging.server';
import { KafkaMessagingServer } from './kafka/kafka-messaging.server';

export interface MessagingServerOptions {
  service: string;
  /** The application's EventDispatcher: `app.get(EventDispatcher)`. */
  dispatcher: EventDispatcher;
  /** In-process mode only; defaults to the process-wide broker. */
  broker?: InProcessBroker;
}

/** The consuming side for `app.connectMicroservice({ strategy })`, chosen by config.messaging.transport. */
export function createMessagingServer(config: AppConfig, opts: MessagingServerOptions): CustomTransportStrategy {
  if (opts.dispatcher.service !== opts.service) {
    throw new Error(`dispatcher belongs to ${opts.dispatcher.service}, not ${opts.service}`);
  }
  const messaging = config.messaging;
  switch (messaging.transport) {
    case 'kafka':
      return new KafkaMessagingServer(opts.dispatcher, {
        brokers: messaging.brokers,
        clientId: messaging.clientId,
        groupId: messaging.clientId,
        sessionTimeoutMs: messaging.consumerSessionTimeoutMs,
      });
    case 'in-process':
      return new InProcessMessagingServer(opts.broker ?? defaultInProcessBroker, opts.dispatcher);
  }
}
