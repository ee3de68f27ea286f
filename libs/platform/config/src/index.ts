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
  StorageConfig,
} from './app-config.types';
export { ConfigError, loadConfig, loadConfigOrExit } from './load-config';
export { APP_CONFIG, ConfigModule } from './config.module';
export { CONFIG_ENV_VARS, ENV_SCHEMA, LOG_LEVELS } from './env.schema';
export { JWT_SECRET_FILE, readOrCreateEmbeddedJwtSecret } from './embedded-jwt-secret';
export { redactConfig } from './redact-config';
