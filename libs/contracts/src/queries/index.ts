export * from './scan-report/v1';
export * from './audit-trail/v1';
export * from './artifact-lineage/v1';
export * from './artifact-cost/v1';
export * from './license-check/v1';
export * from './audit-entries/v1';
export * from './audit-verify/v1';
export * from './audit-head/v1';
export { QUERY_CATALOGUE, Query, queryFolderOf, type CataloguedQuery } from './catalogue';
