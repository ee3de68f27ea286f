import type { DataSource } from 'typeorm';

/** Schema names end up in DDL, so only plain lower-case identifiers are accepted (no quoting games). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and _ (max 63 chars)`);
  }
  return schema;
}

/** Anything that leads to a service's DataSource: the DataSource itself, an EntityManager or a QueryRunner. */
export type SchemaSource = DataSource | { readonly connection: DataSource };

/**
 * The Postgres schema of the service that owns `source`, validated for use in raw SQL. Every service lives in its
 * own schema (tests use throw-away ones), TypeORM does not set search_path, and migrations are shared classes
 * (the messaging tables exist in every schema), so raw SQL and migrations read the schema from here instead of
 * hard-coding it.
 */
export function schemaOf(source: SchemaSource): string {
  const dataSource = 'connection' in source ? source.connection : source;
  const { schema } = dataSource.options as { schema?: string };
  if (!schema) throw new Error('DataSource has no schema: create it through PersistenceModule');
  return assertSchemaName(schema);
}

/** `"schema"."table"` of one of the service's own tables, for raw SQL. */
export function qualifiedTable(source: SchemaSource, table: string): string {
  return `"${schemaOf(source)}"."${table}"`;
}
