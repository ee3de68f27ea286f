import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { DataSource } from 'typeorm';
import { keepClientErrorsInside, poolOf } from './pooled-client-errors';
import { PostgresHealthIndicator } from './postgres.health';
import { DATA_SOURCE, PERSISTENCE_OPTIONS, type PersistenceOptions } from './persistence.tokens';
import { buildServiceDataSource, migrateServiceSchema, type ServiceDataSourceOptions } from './service-data-source';

/** Closes the pool last (after every onModuleDestroy), so relays and consumers can finish their work. */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The service's data source settings from the application config. */
export function dataSourceOptionsFor(config: AppConfig, options: PersistenceOptions): ServiceDataSourceOptions {
  const url = config.database.url;
  if (!url) throw new Error('database.url is not set (embedded mode starts PGlite before booting services)');
  return {
    ...options,
    url,
    poolSize: config.database.poolSize,
    applicationName: `modelguard-${config.serviceName}`,
    // Embedded mode's database is PGlite on the event loop, where re-parsing and re-planning every statement costs
    // request latency; its wire server shares the prepared statements between connections (pglite-shared-statements.ts).
    namedStatements: config.mode === 'embedded',
  };
}

async function connectAndMigrate(config: AppConfig, options: PersistenceOptions, logger: Logger | undefined): Promise<DataSource> {
  const dataSource = buildServiceDataSource(dataSourceOptionsFor(config, options));
  await dataSource.initialize();
  const pool = poolOf(dataSource);
  if (pool !== undefined) keepClientErrorsInside(pool, (error) => logger?.warn(`a database connection in use failed: ${error.message}`));
  try {
    await migrateServiceSchema(dataSource);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/**
 * One TypeORM DataSource per service, in the service's own Postgres schema, migrated on boot.
 * Inject it with `@Inject(DATA_SOURCE)`, `@InjectDataSource()` or simply `DataSource`.
 */
@Module({})
export class PersistenceModule {
  static forService(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      // Global: one DataSource per application (= per service), used by messaging and the feature modules.
      global: true,
      providers: [
        { provide: PERSISTENCE_OPTIONS, useValue: options },
        {
          provide: DataSource,
          inject: [APP_CONFIG, { token: SERVICE_LOGGER, optional: true }],
          useFactory: (config: AppConfig, logger?: Logger) => connectAndMigrate(config, options, logger),
        },
        { provide: DATA_SOURCE, useExisting: DataSource },
        DataSourceCloser,
        PostgresHealthIndicator,
      ],
      exports: [DataSource, DATA_SOURCE, PERSISTENCE_OPTIONS, PostgresHealthIndicator],
    };
  }
}
