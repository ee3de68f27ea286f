export { PersistenceModule } from './persistence.module';
export { DATA_SOURCE, PERSISTENCE_OPTIONS, type PersistenceOptions } from './persistence.tokens';
export { runInTransaction } from './run-in-transaction';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';
export { PostgresHealthIndicator } from './postgres.health';
export { buildServiceDataSource, migrateServiceSchema, type ServiceDataSourceOptions } from './service-data-source';
export { schemaOf, qualifiedTable, assertSchemaName, type SchemaSource } from './schema-name';
export type { HealthCheckResult, HealthIndicatorLike } from './health-indicator.types';
export { keepClientErrorsInside, poolOf } from './pooled-client-errors';
