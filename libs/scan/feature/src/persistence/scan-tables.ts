import { qualifiedTable } from '@modelguard/persistence';
import type { EntityManager } from 'typeorm';

export type ScanTable = 'scan_job' | 'scan_report' | 'scan_report_file' | 'scan_file_cache' | 'scanner_policy';

/** The schema-qualified name of one of our tables (raw SQL must qualify names, see qualifiedTable). */
export function tableOf(manager: EntityManager, table: ScanTable): string {
  return qualifiedTable(manager, table);
}
