import { join, resolve } from 'node:path';
import type { AppConfig, CacheConfig, Mode, MessagingConfig, RetryConfig, StorageConfig } from './app-config.types';
import { readOrCreateEmbeddedJwtSecret } from './embedded-jwt-secret';
import { buildStorageEncryption } from './build-storage-encryption';
import { BYTE_UNITS, type ParsedEnv } from './env.schema';

const { MiB, GiB } = BYTE_UNITS;

/** Collects "VAR: message" problems so that every one of them is reported in a single error. */
export class ProblemList {
  readonly items: string[] = [];
  private readonly reported = new Set<string>();
  add(variable: string, message: string): void {
    this.reported.add(variable);
    this.items.push(`${variable}: ${message}`);
  }
  /** A "missing" problem, skipped when the variable was set but already reported as invalid. */
  missing(variable: string, message: string): void {
    if (!this.reported.has(variable)) this.add(variable, message);
  }
}

/**
 * Turns the flat, shape-validated env into the nested AppConfig: applies defaults (several depend on
 * the mode) and checks the conditional requirements. Returns null when any problem was found.
 * `modeKnown` is false when MODELGUARD_MODE itself was invalid: mode-dependent rules are then
 * skipped rather than producing confusing follow-on errors.
 */
export function buildAppConfig(env: ParsedEnv, serviceName: string, problems: ProblemList, modeKnown: boolean): AppConfig | null {
  const mode: Mode = env.MODELGUARD_MODE ?? 'embedded';
  const distributed = mode === 'distributed';
  const host = env.HTTP_HOST ?? '127.0.0.1';
  const port = env.HTTP_PORT ?? 3000;
  const dataDir = resolve(env.DATA_DIR ?? './.data');

  if (modeKnown && distributed && !env.DATABASE_URL) problems.missing('DATABASE_URL', 'is required in distributed mode');
  if (modeKnown && distributed && !env.JWT_SECRET) problems.missing('JWT_SECRET', 'is required in distributed mode (at least 32 characters)');

  const retry: RetryConfig = {
    attempts: env.MESSAGING_RETRY_ATTEMPTS ?? 5,
    initialDelayMs: env.MESSAGING_RETRY_INITIAL_DELAY_MS ?? 500,
  };
  const messaging = buildMessaging(env, serviceName, distributed, retry, problems);
  const storageDriver = buildStorage(env, dataDir, distributed, problems);
  const encryption = buildStorageEncryption(env, dataDir, distributed, problems);
  // Only present when on, so the storage section of existing deployments' config is unchanged.
  const storage = storageDriver && encryption ? (encryption.mode !== 'off' ? { ...storageDriver, encryption } : storageDriver) : null;
  const cache = buildCache(env, distributed, problems);

  const otelEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const otelEnabled = env.OTEL_ENABLED ?? otelEndpoint !== undefined;

  let jwtSecret = env.JWT_SECRET;
  if (!jwtSecret && !distributed && problems.items.length === 0) {
    try {
      jwtSecret = readOrCreateEmbeddedJwtSecret(dataDir);
    } catch (err) {
      problems.add('DATA_DIR', `cannot read or create the embedded JWT secret: ${(err as Error).message}`);
    }
  }

  if (problems.items.length > 0 || !messaging || !storage || !cache || !jwtSecret) return null;

  return {
    serviceName,
    mode,
    http: {
      host,
      port,
      publicUrl: stripTrailingSlash(env.PUBLIC_URL ?? `http://${formatHost(host)}:${port}`),
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS ?? 10_000,
    },
    dataDir,
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE ?? 5 },
    messaging,
    storage,
    cache,
    otel: { enabled: otelEnabled, endpoint: otelEndpoint, serviceName: env.OTEL_SERVICE_NAME ?? serviceName },
    log: { level: env.LOG_LEVEL ?? 'info' },
    auth: {
      jwtSecret,
      tokenTtlSeconds: env.AUTH_TOKEN_TTL_SECONDS ?? 36_000,
      tokenMaxUses: env.AUTH_TOKEN_MAX_USES ?? 1000,
      loginMaxFailuresPerUser: env.AUTH_LOGIN_MAX_FAILURES_PER_USER ?? 10,
      loginMaxFailuresPerAddress: env.AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS ?? 50,
      loginWindowSeconds: env.AUTH_LOGIN_WINDOW_SECONDS ?? 300,
    },
    upstream: {
      hfEndpoint: stripTrailingSlash(env.HF_ENDPOINT ?? 'https://huggingface.co'),
      githubApiUrl: stripTrailingSlash(env.GITHUB_API_URL ?? 'https://api.github.com'),
      ...(env.GITHUB_TOKEN ? { githubToken: env.GITHUB_TOKEN } : {}),
      allowedHosts: (env.UPSTREAM_ALLOWED_HOSTS ?? []).map((h) => h.toLowerCase()),
      allowPrivateNetworks: env.UPSTREAM_ALLOW_PRIVATE ?? false,
      maxPackageBytes: env.MAX_PACKAGE_BYTES ?? 10 * GiB,
      requestTimeoutMs: env.UPSTREAM_REQUEST_TIMEOUT_MS ?? 30_000,
    },
    limits: {
      maxJsonBodyBytes: env.MAX_JSON_BODY_BYTES ?? 1 * MiB,
      maxUploadBytes: env.MAX_UPLOAD_BYTES ?? 10 * GiB,
      maxZipEntries: env.MAX_ZIP_ENTRIES ?? 10_000,
      maxZipRatio: env.MAX_ZIP_RATIO ?? 200,
      maxUnpackedBytes: env.MAX_UNPACKED_BYTES ?? 20 * GiB,
    },
    services: {
      auditUrl: env.AUDIT_URL && stripTrailingSlash(env.AUDIT_URL),
      scanUrl: env.SCAN_URL && stripTrailingSlash(env.SCAN_URL),
      lineageUrl: env.LINEAGE_URL && stripTrailingSlash(env.LINEAGE_URL),
      scoringUrl: env.SCORING_URL && stripTrailingSlash(env.SCORING_URL),
    },
  };
}

function buildMessaging(env: ParsedEnv, serviceName: string, distributed: boolean, retry: RetryConfig, problems: ProblemList): MessagingConfig | null {
  const transport = env.MESSAGING_TRANSPORT ?? (distributed ? 'kafka' : 'in-process');
  // Every relay is woken by its own process's commits. In embedded mode that process is the only writer of every
  // schema, so the poll only catches what a wake-up missed (a claim left by a crashed run): once a second was
  // 6 statements a second of idle PGlite work on the event loop that serves requests (bench/RESULTS.md,
  // "Embedded: the outbox relays' safety-net poll"). Distributed replicas share schemas and keep polling each second.
  const relayPollMs = env.OUTBOX_RELAY_POLL_MS ?? (distributed ? 1_000 : 5_000);
  if (transport === 'in-process') return { transport, retry, relayPollMs };
  const brokers = env.KAFKA_BROKERS ?? [];
  if (brokers.length === 0) {
    problems.missing('KAFKA_BROKERS', 'is required when MESSAGING_TRANSPORT is kafka (comma-separated host:port list)');
    return null;
  }
  return {
    transport,
    brokers,
    clientId: env.KAFKA_CLIENT_ID ?? `modelguard-${serviceName}`,
    consumerSessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS ?? 10_000,
    retry,
    relayPollMs,
  };
}

function buildStorage(env: ParsedEnv, dataDir: string, distributed: boolean, problems: ProblemList): StorageConfig | null {
  const driver = env.STORAGE_DRIVER ?? (distributed ? 's3' : 'fs');
  if (driver === 'fs') return { driver, root: resolve(env.STORAGE_ROOT ?? join(dataDir, 'blobs')) };
  if (driver === 'postgres') {
    // Embedded mode's PGlite URL exists only once the app has started it, so an explicit server URL is required.
    const url = env.STORAGE_DATABASE_URL ?? env.DATABASE_URL;
    if (!url) problems.missing('STORAGE_DATABASE_URL', 'or DATABASE_URL is required when STORAGE_DRIVER is postgres');
    if (!url) return null;
    return { driver, url, poolSize: env.DATABASE_POOL_SIZE ?? 5, chunkSizeBytes: env.STORAGE_POSTGRES_CHUNK_BYTES ?? MiB };
  }
  const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId) problems.missing('S3_ACCESS_KEY_ID', 'is required when STORAGE_DRIVER is s3');
  if (!secretAccessKey) problems.missing('S3_SECRET_ACCESS_KEY', 'is required when STORAGE_DRIVER is s3');
  if (env.S3_SSE_KMS_KEY_ID && env.S3_SERVER_SIDE_ENCRYPTION !== 'aws:kms') problems.add('S3_SSE_KMS_KEY_ID', 'needs S3_SERVER_SIDE_ENCRYPTION=aws:kms');
  if (!accessKeyId || !secretAccessKey) return null;
  return {
    driver,
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? 'us-east-1',
    bucket: env.S3_BUCKET ?? 'modelguard-blobs',
    accessKeyId,
    secretAccessKey,
    // Self-hosted S3 servers (S3Mock, MinIO) usually only speak path-style; AWS prefers virtual-host.
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
    multipartPartSizeBytes: env.S3_MULTIPART_PART_SIZE_BYTES ?? 16 * MiB,
    ...(env.S3_SERVER_SIDE_ENCRYPTION ? { serverSideEncryption: env.S3_SERVER_SIDE_ENCRYPTION } : {}),
    ...(env.S3_SSE_KMS_KEY_ID ? { sseKmsKeyId: env.S3_SSE_KMS_KEY_ID } : {}),
  };
}

function buildCache(env: ParsedEnv, distributed: boolean, problems: ProblemList): CacheConfig | null {
  const driver = env.CACHE_DRIVER ?? (distributed ? 'redis' : 'memory');
  if (driver === 'memory') return { driver };
  if (!env.REDIS_URL) {
    problems.missing('REDIS_URL', 'is required when CACHE_DRIVER is redis');
    return null;
  }
  return { driver, url: env.REDIS_URL, keyPrefix: env.CACHE_KEY_PREFIX ?? 'modelguard:' };
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
