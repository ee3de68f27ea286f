import { z } from 'zod';
import { boolVar, csvVar, enumVar, hostname, hostPort, httpUrlListVar, httpUrlVar, intVar, stringVar, urlVarWithScheme } from './env-fields';
import { SECTION_ENV_VARS, SERVICE_SECTION_SCHEMAS } from './service-sections.schema';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
/** 1 TiB: an upper bound that still stays far inside Number.MAX_SAFE_INTEGER. */
const MAX_BYTES = 1024 * GiB;

export const MODES = ['embedded', 'distributed'] as const;
export const MESSAGING_TRANSPORTS = ['kafka', 'in-process'] as const;
export const STORAGE_DRIVERS = ['s3', 'fs', 'postgres'] as const;
export const STORAGE_ENCRYPTION_MODES = ['off', 'sensitive', 'all'] as const;
export const S3_SSE_MODES = ['AES256', 'aws:kms'] as const;
export const CACHE_DRIVERS = ['redis', 'memory'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * Every environment variable all services read, flat, exactly as named in `.env.example`. The variables
 * only one service reads are in `service-sections.schema.ts`; `FULL_ENV_SCHEMA` joins both, and a unit
 * test checks that each key is documented.
 * All fields are optional here; requirements that depend on other variables are enforced in
 * `build-app-config.ts` so that every problem can be reported in one pass.
 */
export const ENV_SCHEMA = z.object({
  MODELGUARD_MODE: enumVar(MODES),
  HTTP_HOST: stringVar(1, 255),
  HTTP_PORT: intVar(0, 65535),
  PUBLIC_URL: httpUrlVar(),
  // How long a stopping process lets in-flight HTTP requests finish before it cuts them (0 = cut at once).
  SHUTDOWN_GRACE_MS: intVar(0, 600_000),
  DATA_DIR: stringVar(1),

  DATABASE_URL: urlVarWithScheme(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: intVar(1, 200),
  // Embedded mode: how long one client may keep PGlite's single session (open transaction) while silent.
  EMBEDDED_DB_STALL_TIMEOUT_MS: intVar(100, 3_600_000),

  MESSAGING_TRANSPORT: enumVar(MESSAGING_TRANSPORTS),
  KAFKA_BROKERS: csvVar(hostPort),
  KAFKA_CLIENT_ID: stringVar(1, 255),
  KAFKA_SESSION_TIMEOUT_MS: intVar(6000, 300_000),
  MESSAGING_RETRY_ATTEMPTS: intVar(0, 100),
  MESSAGING_RETRY_INITIAL_DELAY_MS: intVar(1, 600_000),
  // The outbox relay's safety-net poll (it is woken right after every local commit that wrote outbox rows).
  OUTBOX_RELAY_POLL_MS: intVar(10, 600_000),

  STORAGE_DRIVER: enumVar(STORAGE_DRIVERS),
  STORAGE_ROOT: stringVar(1),
  STORAGE_DATABASE_URL: urlVarWithScheme(['postgres', 'postgresql']),
  // One row per chunk: under 64 KiB the per-row overhead dominates, above 16 MiB one read holds too much in memory.
  STORAGE_POSTGRES_CHUNK_BYTES: intVar(64 * KiB, 16 * MiB),
  S3_ENDPOINT: httpUrlVar(),
  S3_REGION: stringVar(1, 64),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)')
    .optional(),
  S3_ACCESS_KEY_ID: stringVar(1, 256),
  S3_SECRET_ACCESS_KEY: stringVar(1, 256),
  S3_FORCE_PATH_STYLE: boolVar(),
  // S3 refuses parts under 5 MiB (except the last); above 512 MiB a part buffer would dominate memory.
  S3_MULTIPART_PART_SIZE_BYTES: intVar(5 * MiB, 512 * MiB),
  S3_SERVER_SIDE_ENCRYPTION: enumVar(S3_SSE_MODES),
  S3_SSE_KMS_KEY_ID: stringVar(1, 2048),
  STORAGE_ENCRYPTION: enumVar(STORAGE_ENCRYPTION_MODES),
  STORAGE_ENCRYPTION_KEY: stringVar(40, 64),
  STORAGE_ENCRYPTION_KEY_FILE: stringVar(1),
  STORAGE_ENCRYPTION_RETIRED_KEY_FILES: stringVar(1),

  CACHE_DRIVER: enumVar(CACHE_DRIVERS),
  REDIS_URL: urlVarWithScheme(['redis', 'rediss']),
  CACHE_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 chars of A-Z a-z 0-9 : _ . -').optional(),

  OTEL_ENABLED: boolVar(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrlVar(),
  OTEL_SERVICE_NAME: stringVar(1, 255),
  LOG_LEVEL: enumVar(LOG_LEVELS),

  JWT_SECRET: stringVar(32, 4096),
  AUTH_TOKEN_TTL_SECONDS: intVar(1, 365 * 24 * 3600),
  AUTH_TOKEN_MAX_USES: intVar(1, 1_000_000_000),
  AUTH_LOGIN_MAX_FAILURES_PER_USER: intVar(1, 1_000_000),
  AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: intVar(1, 1_000_000),
  AUTH_LOGIN_WINDOW_SECONDS: intVar(1, 24 * 3600),

  HF_ENDPOINT: httpUrlVar(),
  GITHUB_API_URL: httpUrlVar(),
  GITHUB_TOKEN: stringVar(1, 1024),
  UPSTREAM_ALLOWED_HOSTS: csvVar(hostname),
  UPSTREAM_ALLOW_PRIVATE: boolVar(),
  MAX_PACKAGE_BYTES: intVar(1, MAX_BYTES),
  UPSTREAM_REQUEST_TIMEOUT_MS: intVar(100, 3_600_000),

  MAX_JSON_BODY_BYTES: intVar(1 * KiB, 64 * MiB),
  MAX_UPLOAD_BYTES: intVar(1, MAX_BYTES),
  MAX_ZIP_ENTRIES: intVar(1, 10_000_000),
  MAX_ZIP_RATIO: intVar(1, 100_000),
  MAX_UNPACKED_BYTES: intVar(1, MAX_BYTES),

  AUDIT_URL: httpUrlListVar(),
  SCAN_URL: httpUrlListVar(),
  LINEAGE_URL: httpUrlListVar(),
  SCORING_URL: httpUrlListVar(),
});

export type ParsedEnv = z.infer<typeof ENV_SCHEMA>;

/** The base schema and every service section in one object (documentation checks, `.env` linting). */
export const FULL_ENV_SCHEMA = ENV_SCHEMA.extend({
  ...SERVICE_SECTION_SCHEMAS.scan.shape,
  ...SERVICE_SECTION_SCHEMAS.ingest.shape,
  ...SERVICE_SECTION_SCHEMAS.scoring.shape,
  ...SERVICE_SECTION_SCHEMAS.gateway.shape,
  ...SERVICE_SECTION_SCHEMAS.audit.shape,
});

/** The variables every service reads. */
export const BASE_ENV_VARS: readonly string[] = Object.keys(ENV_SCHEMA.shape);

/** The names of every variable ModelGuard reads, sections included (for docs checks and diagnostics). */
export const CONFIG_ENV_VARS: readonly string[] = [...BASE_ENV_VARS, ...SECTION_ENV_VARS];

export const BYTE_UNITS = { KiB, MiB, GiB } as const;
