import type { QueryRunner } from 'typeorm';

/** Schema names end up in DDL, so only plain lower-case identifiers are accepted (no quoting games). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and _ (max 63 chars)`);
  }
  return schema;
}

/**
 * The schema a migration must write into. Migrations are shared classes (the messaging tables exist in
 * every service's schema), so they read the schema from the DataSource that runs them instead of
 * hard-coding it.
 */
export function schemaOf(queryRunner: QueryRunner): string {
  const options = queryRunner.connection.options as { schema?: string };
  if (!options.schema) throw new Error('DataSource has no schema: create it through PersistenceModule');
  return assertSchemaName(options.schema);
}
