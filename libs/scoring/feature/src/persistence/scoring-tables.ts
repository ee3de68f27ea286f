import { qualifiedTable } from '@modelguard/persistence';
import type { EntityManager } from 'typeorm';

export type ScoringTable = 'scored_artifact' | 'rating_job' | 'model_rating' | 'lineage_parent';

/** The schema-qualified name of one of our tables (raw SQL must qualify names, see qualifiedTable). */
export function tableOf(manager: EntityManager, table: ScoringTable): string {
  return qualifiedTable(manager, table);
}
