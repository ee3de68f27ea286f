import { type DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { CacheModule } from '@modelguard/cache';
import { messagingEntities, messagingMigrations, MessagingHealthIndicator, MessagingModule } from '@modelguard/messaging';
import { HealthModule, provideHealthIndicator } from '@modelguard/observability';
import { PersistenceModule, type PersistenceOptions, PostgresHealthIndicator } from '@modelguard/persistence';
import { StorageModule } from '@modelguard/storage';
import { KafkaBrokerHealthIndicator } from './kafka-broker.health-indicator';
import { PlatformMetrics } from './platform-metrics';
import { ShutdownReadiness } from './shutdown-readiness';

export interface ServicePlatformOptions extends PersistenceOptions {
  service: string;
  /** Serve /health from here (default). The gateway, which mounts HealthModule itself, passes false. */
  health?: boolean;
  /** Outbox relay fallback poll interval (it is also woken after local commits). */
  relayPollMs?: number;
  /** Overrides config.messaging.retry. */
  retry?: { attempts: number; initialDelayMs: number };
  /** Provide the BlobStore (fs or S3 by config) with its health indicator. */
  storage?: boolean;
  /** Provide the CacheStore (Redis or memory by config) with its health indicator. */
  cache?: boolean;
}

/**
 * Everything a service needs from the platform in one import: its own Postgres schema (with the outbox and
 * inbox tables added), messaging (Outbox, @OnEvent dispatch, EventPublisher) and health with the
 * postgres and message-bus indicators. The AppConfig itself comes from bootstrapService (global
 * ConfigModule), so the service module stays a plain static declaration.
 */
@Module({})
export class ServicePlatformModule {
  static forService(opts: ServicePlatformOptions): DynamicModule {
    return {
      module: ServicePlatformModule,
      imports: [
        PersistenceModule.forService({
          schema: opts.schema,
          entities: [...messagingEntities, ...opts.entities],
          migrations: [...messagingMigrations(), ...opts.migrations],
        }),
        MessagingModule.forService({ service: opts.service, relayPollMs: opts.relayPollMs, retry: opts.retry }),
        ...(opts.health === false ? [] : [HealthModule.forRoot({ serviceName: opts.service })]),
        ...(opts.storage ? [StorageModule.forApp()] : []),
        ...(opts.cache ? [CacheModule.forApp()] : []),
      ],
      providers: [
        PlatformMetrics,
        ShutdownReadiness,
        provideHealthIndicator({ useFactory: (s: ShutdownReadiness) => s, inject: [ShutdownReadiness] }),
        provideHealthIndicator({ useFactory: (i: PostgresHealthIndicator) => i, inject: [PostgresHealthIndicator] }),
        provideHealthIndicator({ useFactory: (i: MessagingHealthIndicator) => i, inject: [MessagingHealthIndicator] }),
        // Readiness needs to know the broker answers now; the producer and consumer learn it only on their next call.
        provideHealthIndicator({
          useFactory: (config: AppConfig) =>
            config.messaging.transport === 'kafka'
              ? new KafkaBrokerHealthIndicator(config.messaging.brokers, config.messaging.clientId)
              : null,
          inject: [APP_CONFIG],
        }),
      ],
      exports: [MessagingModule],
    };
  }
}
