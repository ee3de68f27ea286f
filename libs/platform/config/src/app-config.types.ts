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
  /** How often each outbox relay looks for rows it was not woken for (OUTBOX_RELAY_POLL_MS). */
  relayPollMs: number;
}

export interface InProcessMessagingConfig {
  transport: 'in-process';
  retry: RetryConfig;
  relayPollMs: number;
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
  /** S3 server-side encryption requested on every write (independent of STORAGE_ENCRYPTION, which encrypts client-side). */
  serverSideEncryption?: 'AES256' | 'aws:kms';
  sseKmsKeyId?: string;
}

export interface FsStorageConfig {
  driver: 'fs';
  root: string;
}

/** Blobs inside PostgreSQL, as chunk rows in the `blob_store` schema (see the storage library's postgres driver). */
export interface PostgresStorageConfig {
  driver: 'postgres';
  /** STORAGE_DATABASE_URL, else DATABASE_URL: blobs may live in a database apart from the services' tables. */
  url: string;
  poolSize: number;
  /** Size of one stored row; reads fetch whole rows, so this is also the read granularity. */
  chunkSizeBytes: number;
}

/** Envelope encryption at rest; `kek` is the base64 key-encryption key (redacted in logs). */
/**
 * `all`: every new blob sealed; `sensitive`: blobs of sensitive models sealed (by a job, in place). `retiredKeks`:
 * previous key-encryption keys (base64), kept only to unwrap data keys until a re-wrap has moved them to `kek`.
 */
export type StorageEncryptionConfig = { mode: 'off' } | { mode: 'all' | 'sensitive'; kek: string; retiredKeks?: readonly string[] };

export type StorageConfig = (S3StorageConfig | FsStorageConfig | PostgresStorageConfig) & { encryption?: StorageEncryptionConfig };

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
  http: {
    host: string;
    port: number;
    publicUrl: string;
    /** On SIGTERM: how long in-flight requests may take to finish after the port stops accepting (SHUTDOWN_GRACE_MS). */
    shutdownGraceMs: number;
  };
  dataDir: string;
  /** `url` is unset in embedded mode until the embedded app has started PGlite and fills it in. */
  database: { url?: string; poolSize: number };
  messaging: MessagingConfig;
  storage: StorageConfig;
  cache: CacheConfig;
  otel: { enabled: boolean; endpoint?: string; serviceName: string };
  log: { level: LogLevel };
  auth: {
    jwtSecret: string;
    tokenTtlSeconds: number;
    tokenMaxUses: number;
    /** Failed sign-ins per user name, and per client address, within one window before 429. */
    loginMaxFailuresPerUser: number;
    loginMaxFailuresPerAddress: number;
    loginWindowSeconds: number;
  };
  upstream: {
    hfEndpoint: string;
    githubApiUrl: string;
    /** Sent as `Authorization: Bearer` on GitHub API calls (60 calls an hour without one, 5,000 with). */
    githubToken?: string;
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
  services: { auditUrl?: string; scanUrl?: string; lineageUrl?: string; scoringUrl?: string };
  /** The scan service's own section (SCAN_*); present only in the config loaded for `scan`. */
  scan?: ScanSectionConfig;
  /** The ingest service's own section (INGEST_*); present only in the config loaded for `ingest`. */
  ingest?: IngestSectionConfig;
  /** The scoring service's own section (SCORING_*); present only in the config loaded for `scoring`. */
  scoring?: ScoringSectionConfig;
  /** The gateway's own section (GATEWAY_*); present only in the config loaded for `gateway`. */
  gateway?: GatewaySectionConfig;
  /** The audit service's own section (AUDIT_*); present only in the config loaded for `audit`. */
  audit?: AuditSectionConfig;
}

/** Tuning of the scan worker (SCAN_*). An unset workerId means "generate one unique to this process". */
export interface ScanSectionConfig {
  workerId?: string;
  /** Package versions scanned at the same time; also the size of the scanner's worker pool. */
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  /** Transient failures (database, scanner crash) before giving up with ScanFailed. */
  maxAttempts: number;
  spoolMaxBytes: number;
  blobAttempts: number;
  blobRetryDelayMs: number;
}

/** Tuning of the ingest worker (INGEST_*). Unset attempts/back-off follow the messaging retry policy. */
export interface IngestSectionConfig {
  workerId?: string;
  /** Packages downloaded at the same time. */
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  maxRetryDelayMs: number;
  /** On shutdown, how long in-flight downloads may finish before their leases are handed over. */
  shutdownGraceMs: number;
}

/** Tuning of the scoring worker (SCORING_*). An unset workerId means "generate one unique to this process". */
export interface ScoringSectionConfig {
  workerId?: string;
  /** Model versions rated at the same time. */
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  /** Transient failures (database, evidence collection crash) before the rating job is given up. */
  maxAttempts: number;
  /** Upper bound on collecting upstream evidence (GitHub) for one rating; past it the metrics use their fallbacks. */
  evidenceTimeoutMs: number;
  /** The LLM card analyser (LLM_*); absent when LLM_BASE_URL is unset, and ratings use the deterministic rules. */
  llm?: ScoringLlmConfig;
}

/** An OpenAI-compatible chat-completions endpoint that reads model cards (LLM_*). */
export interface ScoringLlmConfig {
  /** Base URL; requests go to `<baseUrl>/chat/completions`. Its host is allowed by the egress guard. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; a secret (masked by redactConfig, never logged). */
  apiKey?: string;
  /** Whole-request deadline; past it the rating uses the deterministic rules. */
  timeoutMs: number;
}

/** The gateway's operational knobs (GATEWAY_*). */
export interface GatewaySectionConfig {
  /** How long POST/PUT wait for ingestion before answering 202 instead of 201/200. */
  ingestWaitMs: number;
  /** Hard wall-clock budget for one regex search request. */
  regexBudgetMs: number;
  /** Timeout of the gateway's calls to internal services (audit, scan). */
  internalTimeoutMs: number;
  /** Largest response body accepted from an internal service. */
  maxInternalResponseBytes: number;
  /** Directory holding the served OpenAPI documents. */
  openapiDir: string;
  /** Directory of the prebuilt web interface (apps/web, built by `npm run build`). */
  webDir: string;
  /** Scratch directory for streamed uploads (never buffered in memory). */
  tmpDir: string;
  /**
   * Refuse Hugging Face models whose rating fails the ingest gate (the spec's 424). Needs the scoring service; turn
   * it off only for a deployment without one, where creates would otherwise wait out ingestWaitMs and answer 202.
   */
  ratingGate: boolean;
  /** Requests allowed per fixed window per token subject and per client address (0 disables that limit). */
  rateLimit: { perIdentity: number; perAddress: number; windowSeconds: number };
  /**
   * Monitor programs of sensitive models (GATEWAY_MONITOR_*): wall-clock timeout of one run, the data-segment cap of
   * its process (RLIMIT_DATA, so off-heap Buffers are capped too), and how many run at once (more wait briefly, then 503).
   */
  monitor: { timeoutMs: number; memoryMb: number; concurrency: number };
  /** Manifest-signing key (GATEWAY_SIGNING_KEY, a secret); when unset the key is read from (or generated into) signingKeyFile. */
  signingKeyPem?: string;
  signingKeyFile: string;
  /** Orphan janitor (GATEWAY_JANITOR_*): what is older than graceSeconds and unreferenced goes, every intervalSeconds (0 = off). */
  janitor: { graceSeconds: number; intervalSeconds: number };
  /**
   * The live audit stream (GATEWAY_AUDIT_STREAM_*): concurrent streams per user, heartbeat comment interval, and how
   * many unread bytes one client may hold in the server before it is dropped (a client that never reads).
   */
  auditStream: { maxPerUser: number; heartbeatMs: number; maxBufferedBytes: number };
  /**
   * The Hugging Face mirror (GATEWAY_HF_MIRROR_*): whether clients without an hf_ token may read, how long a request
   * for a repo not yet stored waits for its pull-through ingestion, and the upstream `org` / `org/name` allow and
   * deny lists (deny wins; an empty allow list allows every repo not denied).
   */
  hfMirror: { anonymous: boolean; waitMs: number; allow: string[]; deny: string[] };
  /** Per-user quota defaults (GATEWAY_QUOTA_*): stored bytes and uploads/ingests per window, 0 = unlimited; admins override per user. */
  quotas: { storageBytes: number; uploadsPerWindow: number; windowSeconds: number };
}

/** The audit service's knobs (AUDIT_*). */
export interface AuditSectionConfig {
  /** HMAC key of the audit chain (AUDIT_CHAIN_KEY, a secret); when unset it is read from (or generated into) chainKeyFile. */
  chainKey?: string;
  chainKeyFile: string;
  /** Keys that linked older entries (AUDIT_CHAIN_RETIRED_KEY_FILES): they verify those entries, never link new ones. */
  retiredKeyFiles: string[];
  /** How often a signed checkpoint is taken when the log grew (AUDIT_CHECKPOINT_INTERVAL_MS; 0: on demand and at shutdown only). */
  checkpointIntervalMs: number;
}

/** Every per-service section, by the name of the service that owns it. */
export interface ServiceSections {
  scan: ScanSectionConfig;
  ingest: IngestSectionConfig;
  scoring: ScoringSectionConfig;
  gateway: GatewaySectionConfig;
  audit: AuditSectionConfig;
}
