export { MessagingModule, InProcessBrokerModule, RESOLVED_IN_PROCESS_BROKER } from './messaging.module';
export { IN_PROCESS_BROKER, type MessagingModuleOptions } from './messaging.tokens';
export { messagingEntities, messagingMigrations } from './messaging-tables';
export { OutboxMessageEntity } from './entities/outbox-message.entity';
export { InboxMessageEntity } from './entities/inbox-message.entity';
export { Outbox } from './outbox/outbox';
export { OutboxRelay } from './outbox/outbox-relay';
export { EventPublisher } from './event-publisher';
export { OnEvent, NonRetriableError, eventHandlersOf, type EventContext, type EventHandlerFn, type OnEventOptions } from './consumer/on-event.decorator';
export { EventDispatcher, type DltErrorKind } from './consumer/event-dispatcher';
export type { RetryPolicy } from './consumer/retry-policy';
export { createEnvelope, decodeEnvelope, MessageValidationError, type EnqueueOptions } from './envelope.codec';
export type { WireMessage, IncomingMessage } from './wire-message';
export { TRANSPORT_CLIENT, type TransportClient, type TransportStatus } from './transport-client';
export { InProcessBroker, defaultInProcessBroker, type StoredMessage } from './in-process/in-process-broker';
export { InProcessMessagingServer } from './in-process/in-process-messaging.server';
export { redriveInProcessDeadLetters } from './in-process/in-process-redrive';
export { KafkaMessagingServer } from './kafka/kafka-messaging.server';
export { KafkaTransportClient } from './kafka/kafka-transport.client';
export {
  createKafkaTopicsAndWait,
  waitForKafkaTopicsReady,
  retryWhileNotReady,
  isRetriableKafkaError,
  type TopicReadinessOptions,
} from './kafka/kafka-topic-readiness';
export { redriveKafkaDeadLetters, type KafkaRedriveOptions } from './kafka/kafka-redrive';
export { kafkaClientConfig, kafkaConsumerConfig, kafkaProducerConfig, type KafkaConnectionOptions } from './kafka/kafka-client-options';
export { createMessagingServer, type MessagingServerOptions } from './messaging-server.factory';
export { MessagingHealthIndicator } from './messaging.health';
export { captureTraceHeaders } from './trace-context';
