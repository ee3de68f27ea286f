/**
 * The typed, nested configuration every ModelGuard process runs with. Feature code injects this
 * (token `APP_CONFIG`) and never reads `process.env` itself. Built by `loadConfig()`.
 */
export type Mode = 'embedded' | 'distributed';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface RetryConfig {
  /** Delivery attempts before a message goes to the dead-letter topic (0 = no retry). */
  attempts: number;
  /** First back-off delay; later delays grow exponentially from it. */
  initialDelayMs: number;
}

export interface KafkaMessagingConfig {
  transport: 'kafka';
  brokers: string[];
  clientId: string;
  consumerSessionTimeoutMs: number;
  retry: RetryConfig;
}

export interface InProcessMessagingConfig {
  transport: 'in-process';
  retry: RetryConfig;
}

export type MessagingConfig = KafkaMessagingConfig | InProcessMessagingConfig;

export interface S3StorageConfig {
  driver: 's3';
  /** Absent means real AWS S3 (the SDK picks the regional endpoint). */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  multipartPartSizeBytes: number;
}

export interface FsStorageConfig {
  driver: 'fs';
  root: string;
}

export type StorageConfig = S3StorageConfig | FsStorageConfig;

export interface RedisCacheConfig {
  driver: 'redis';
  url: string;
  /** Prepended to every key so several deployments can share one Redis. */
  keyPrefix: string;
}

export interface MemoryCacheConfig {
  driver: 'memory';
}

export type CacheConfig = RedisCacheConfig | MemoryCacheConfig;

export interface AppConfig {
  serviceName: string;
  mode: Mode;
  http: { host: string; port: number; publicUrl: string };
  dataDir: string;
  /** `url` is unset in embedded mode until the embedded app has started PGlite and fills it in. */
  database: { url?: string; poolSize: number };
  messaging: MessagingConfig;
  storage: StorageConfig;
  cache: CacheConfig;
  otel: { enabled: boolean; endpoint?: string; serviceName: string };
  log: { level: LogLevel };
  auth: { jwtSecret: string; tokenTtlSeconds: number; tokenMaxUses: number };
  upstream: {
    hfEndpoint: string;
    githubApiUrl: string;
    /** Extra hosts beyond those of hfEndpoint/githubApiUrl that upstream fetches may reach. */
    allowedHosts: string[];
    allowPrivateNetworks: boolean;
    maxPackageBytes: number;
    requestTimeoutMs: number;
  };
  limits: {
    maxJsonBodyBytes: number;
    maxUploadBytes: number;
    maxZipEntries: number;
    maxZipRatio: number;
    maxUnpackedBytes: number;
  };
  services: { auditUrl?: string; scanUrl?: string };
}
