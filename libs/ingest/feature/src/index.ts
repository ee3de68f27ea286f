export { IngestModule, type IngestModuleOptions } from './ingest.module';
export { IngestionEntity, type IngestionStatus } from './persistence/ingestion.entity';
export { Ingestion1764310000000 } from './persistence/1764310000000-ingestion.migration';
export { IngestionJob1764310000001 } from './persistence/1764310000001-ingestion-job.migration';
export { IngestWorker } from './worker/ingest-worker.service';
export {
  INGEST_SETTINGS,
  ingestSettingsFrom,
  ingestSettingsFromEnv,
  resolveIngestSettings,
  defaultIngestWorkerId,
  type IngestSettings,
  type IngestSettingsInput,
} from './worker/ingest-settings';
export { parseUpstreamUrl, InvalidUpstreamUrlError, type UpstreamTarget } from './sources/upstream-url';
export { resolvePackage } from './sources/resolve-package';
export type { PackageContent, IngestDeps, IngestLimits } from './sources/package-content';
export { buildIngestDeps } from './ingest-deps.factory';
