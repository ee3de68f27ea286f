import { assertSchemaName } from '@modelguard/persistence';
import type { EntityManager } from 'typeorm';

export type ScanTable = 'scan_job' | 'scan_report' | 'scan_report_file' | 'scan_file_cache';

/**
 * The schema-qualified name of one of our tables. The service's schema comes from its DataSource
 * (tests use throw-away schemas), and TypeORM does not set search_path, so raw SQL must qualify names.
 */
export function tableOf(manager: EntityManager, table: ScanTable): string {
  const schema = (manager.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('scan DataSource has no schema');
  return `"${assertSchemaName(schema)}"."${table}"`;
}
