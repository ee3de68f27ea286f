/**
 * DI token for the service's TypeORM DataSource. The DataSource class itself is also registered, so
 * `@InjectDataSource()` (from @nestjs/typeorm) and plain constructor injection of `DataSource` work too.
 */
export const DATA_SOURCE = Symbol.for('modelguard.persistence.data-source');

/** What one service contributes to its own Postgres schema. */
export interface PersistenceOptions {
  /** Postgres schema owned by this service only (created if missing), e.g. `audit`. */
  schema: string;
  // TypeORM itself types entities and migrations as Function constructors.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
}

/** The PersistenceOptions the module was created with (schema name, for the messaging tables). */
export const PERSISTENCE_OPTIONS = Symbol.for('modelguard.persistence.options');
