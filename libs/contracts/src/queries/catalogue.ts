import { ArtifactCostQuery } from './artifact-cost/v1';
import { ArtifactLineageQuery } from './artifact-lineage/v1';
import { AuditEntriesQuery } from './audit-entries/v1';
import { AuditHeadQuery } from './audit-head/v1';
import { AuditTrailQuery } from './audit-trail/v1';
import { AuditVerifyQuery } from './audit-verify/v1';
import { LicenseCheckQuery } from './license-check/v1';
import { ScanReportQuery } from './scan-report/v1';

/**
 * Every internal query (one service reading another over its `/internal` HTTP API), one contract per read
 * (`src/queries/<name>/v<major>.ts`, response JSON Schema snapshot next to it). Performed with
 * `@modelguard/internal-client`; the architecture page is generated from this list.
 */
export const QUERY_CATALOGUE = [ScanReportQuery, AuditTrailQuery, ArtifactLineageQuery, ArtifactCostQuery, LicenseCheckQuery, AuditEntriesQuery, AuditVerifyQuery, AuditHeadQuery] as const;

export type CataloguedQuery = (typeof QUERY_CATALOGUE)[number];

/** Every query contract by name (`Query.ScanReport`). */
export const Query = Object.freeze(Object.fromEntries(QUERY_CATALOGUE.map((q) => [q.name, q]))) as {
  readonly [Q in CataloguedQuery as Q['name']]: Q;
};

/** The folder of a query's contract under `src/queries/` (`ScanReport` → `scan-report`). */
export function queryFolderOf(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? '' : '-') + c.toLowerCase());
}
