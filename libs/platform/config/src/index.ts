export type {
  AppConfig,
  CacheConfig,
  FsStorageConfig,
  InProcessMessagingConfig,
  KafkaMessagingConfig,
  LogLevel,
  MemoryCacheConfig,
  MessagingConfig,
  Mode,
  RedisCacheConfig,
  RetryConfig,
  S3StorageConfig,
  PostgresStorageConfig,
  StorageConfig,
  StorageEncryptionConfig,
  AuditSectionConfig,
  GatewaySectionConfig,
  IngestSectionConfig,
  ScanSectionConfig,
  ScoringSectionConfig,
  ScoringLlmConfig,
  ServiceSections,
} from './app-config.types';
export { ConfigError, loadConfig, loadConfigOrExit, loadServiceSection } from './load-config';
export type { ServiceSectionName } from './service-sections.schema';
// Deployment tooling (deploy/k8s) derives each service's env list from these, so manifests cannot drift from the schema.
export { SERVICE_SECTION_SCHEMAS } from './service-sections.schema';
export { APP_CONFIG, ConfigModule } from './config.module';
export { BASE_ENV_VARS, CONFIG_ENV_VARS, ENV_SCHEMA, FULL_ENV_SCHEMA, LOG_LEVELS } from './env.schema';
export { JWT_SECRET_FILE, readOrCreateEmbeddedJwtSecret } from './embedded-jwt-secret';
export { redactConfig } from './redact-config';
