import { APP_CONFIG, type AppConfig, loadServiceSection } from '@modelguard/config';
import { Outbox } from '@modelguard/messaging';
import { HealthModule } from '@modelguard/observability';
import { ServicePlatformModule } from '@modelguard/runtime';
import { BlobStore } from '@modelguard/storage';
import { CacheStore } from '@modelguard/cache';
import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule, type OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ArtifactService } from './artifacts/artifact.service';
import { ArtifactsController } from './artifacts/artifacts.controller';
import { IngestWaiter } from './artifacts/ingest-waiter';
import { LicenseCheckController } from './artifacts/license-check.controller';
import { LineageController } from './artifacts/lineage.controller';
import { RatingFeaturesController } from './artifacts/rating-features.controller';
import { RegistryResetService } from './artifacts/registry-reset.service';
import { RegistryController } from './artifacts/registry.controller';
import { SearchController } from './artifacts/search.controller';
import { SearchEvents } from './artifacts/search-events';
import { SearchService } from './artifacts/search.service';
import { SearchIndex } from './artifacts/search-index';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { LoginThrottle } from './auth/login-throttle';
import { TokenLedger } from './auth/token-ledger';
import { TokenService } from './auth/token.service';
import { UsersController } from './auth/users.controller';
import { UsersService } from './auth/users.service';
import { SecurityEvents } from './auth/security-events';
import { PackageConfusionController } from './confusion/package-confusion.controller';
import { PopularityHandlers } from './confusion/popularity.handlers';
import { DocsController } from './docs/docs.controller';
import { WebAppController } from './web/web-app.controller';
import { GatewayEventHandlers } from './events/gateway-event.handlers';
import { RatingComputedHandler } from './events/rating-computed.handler';
import { SensitiveBlobSealer } from './encryption/sensitive-blob-sealer';
import { SealJobProcessor } from './encryption/seal-job.processor';
import { sealSettingsProvider } from './encryption/seal-settings';
import { SealWorker } from './encryption/seal-worker.service';
import { StoreEncryptionJob } from './encryption/store-encryption.job';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway-settings';
import { HfMirrorController } from './hf-mirror/hf-mirror.controller';
import { HfMirrorGuard } from './hf-mirror/hf-mirror.guard';
import { HfMirrorService } from './hf-mirror/hf-mirror.service';
import { HfMissCache } from './hf-mirror/hf-miss-cache';
import { QuotasController } from './quotas/quotas.controller';
import { QuotaService } from './quotas/quota.service';
import { ScannerPolicyController } from './scanner-policy/scanner-policy.controller';
import { ScannerPolicyService } from './scanner-policy/scanner-policy.service';
import { PerformanceWorkloadController } from './performance/performance-workload.controller';
import { PerformanceWorkloadService } from './performance/performance-workload.service';
import { RegistrySeeder } from './performance/registry-seeder';
import { HfScanFindings } from './hf-mirror/hf-scan-findings';
import { HfTokensController } from './hf-mirror/hf-tokens.controller';
import { HfTokensService } from './hf-mirror/hf-tokens.service';
import { GatewayExceptionFilter } from './http/gateway-exception.filter';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { RefusalRecorder } from './http/refusal-recorder';
import { RevocationReconciler } from './auth/revocation-reconciler';
import { DownloadService } from './packages/download.service';
import { PackageZipCache } from './packages/package-zip-cache';
import { PackagesController } from './packages/packages.controller';
import { UploadService } from './packages/upload.service';
import { UploadSessionsController } from './packages/upload-sessions.controller';
import { UploadSessionsService } from './packages/upload-sessions.service';
import { OrphanJanitor } from './janitor/orphan-janitor.service';
import { VersionsController } from './packages/versions.controller';
import { VersionsService } from './packages/versions.service';
import { gatewayEntities, gatewayMigrations } from './persistence/gateway-entities';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from './ports/blob-store.port';
import { GATEWAY_OUTBOX } from './ports/event-outbox.port';
import { GATEWAY_CLOCK, systemClock, type Clock } from './ports/clock.port';
import { GATEWAY_COUNTER_CACHE, type CounterCache } from './ports/counter-cache.port';
import { InternalQueriesService } from './proxy/internal-queries.service';
import { AuditController } from './proxy/audit.controller';
import { SecurityLogController } from './proxy/security-log.controller';
import { AuditStreamController } from './proxy/audit-stream.controller';
import { AuditStreamHub } from './proxy/audit-stream-hub';
import { AuditEntryAppendedHandler } from './proxy/audit-entry-appended.handler';
import { AUDIT_STREAM_OPTIONS, auditStreamOptionsFrom } from './proxy/audit-stream-options';
import { AddressRateLimitMiddleware } from './rate-limit/address-rate-limit.middleware';
import { IdentityRateLimitInterceptor } from './rate-limit/identity-rate-limit.interceptor';
import { RateLimiter } from './rate-limit/rate-limiter';
import { DownloadMonitorService } from './sensitive/download-monitor.service';
import { SensitiveModelsController } from './sensitive/sensitive-models.controller';
import { RecentLogsController } from './logs/recent-logs.controller';
import { SensitiveModelsService } from './sensitive/sensitive-models.service';
import { ManifestSigner } from './signing/manifest-signer';
import { SignaturesController, SigningKeysController } from './signing/signatures.controller';
import { UploaderKeysController } from './signing/uploader-keys.controller';
import { UploaderKeysService } from './signing/uploader-keys.service';
import { SignedManifestService } from './signing/signed-manifest.service';
import { SigningKeysService } from './signing/signing-keys.service';
import { AliasDownloadController } from './releases/alias-download.controller';
import { AliasReadsService } from './releases/alias-reads.service';
import { AliasRefController } from './releases/alias-ref.controller';
import { AliasMover } from './releases/alias-mover';
import { AliasesService } from './releases/aliases.service';
import { ReleaseGates } from './releases/release-gates';
import { ReleaseAudit } from './releases/release-audit';
import { ReleaseRequestsService } from './releases/release-requests.service';
import { ReleasesController } from './releases/releases.controller';

export interface GatewayModuleOptions {
  /** Postgres schema (tests use a unique one). Default `gateway`. */
  schema?: string;
  /** Gateway-only settings; everything else comes from AppConfig. */
  gateway?: Partial<GatewaySettings['gateway']>;
  /** Port overrides (tests, embedded mode sharing one store). */
  blobStore?: GatewayBlobStore;
  counterCache?: CounterCache;
  /** Wall clock for token expiry and sign-in windows (tests move it instead of sleeping). */
  clock?: Clock;
}

// Order matters: Express matches in registration order, so fixed paths (/artifact/byRegEx, /artifacts) must be
// registered before the parameterised ones (/artifact/:artifact_type).
const CONTROLLERS = [
  DocsController,
  AuthController,
  UsersController,
  RegistryController,
  SearchController,
  PackageConfusionController,
  // `/artifacts/model/{id}@{alias}[/download]`: before the `/artifacts/{artifact_type}/{id}…` routes that would take
  // `abc@production` for a (malformed) id.
  AliasRefController,
  VersionsController,
  PackagesController,
  UploadSessionsController,
  SignaturesController,
  UploaderKeysController,
  SigningKeysController,
  SensitiveModelsController,
  AuditController,
  SecurityLogController,
  AuditStreamController,
  RecentLogsController,
  RatingFeaturesController,
  LineageController,
  LicenseCheckController,
  // Release aliases: fixed `/artifacts/model/{id}/aliases…` and `/release-requests…` paths, before the CRUD routes.
  ReleasesController,
  AliasDownloadController,
  QuotasController,
  ScannerPolicyController,
  PerformanceWorkloadController,
  ArtifactsController,
  // The Hugging Face mirror after the course routes: its `/{repo}/resolve/…` and `/api/…` routes never shadow one.
  HfTokensController,
  HfMirrorController,
  // Last: the web interface's allowlisted client routes (web/client-routes.ts) yield to any API route.
  WebAppController,
];

function settingsFrom(config: AppConfig, opts: GatewayModuleOptions): GatewaySettings {
  // The GATEWAY_* section is loaded with the config of the `gateway` service; defaults for any other name.
  const section = config.gateway ?? loadServiceSection('gateway', {}, { dataDir: config.dataDir });
  return {
    http: { publicUrl: config.http.publicUrl },
    auth: config.auth,
    limits: config.limits,
    services: config.services,
    upstream: { allowPrivateNetworks: config.upstream.allowPrivateNetworks },
    gateway: {
      ingestWaitMs: section.ingestWaitMs,
      openapiDir: section.openapiDir,
      webDir: section.webDir,
      tmpDir: section.tmpDir,
      ratingGate: section.ratingGate,
      regexBudgetMs: section.regexBudgetMs,
      proxyTimeoutMs: section.internalTimeoutMs,
      maxProxiedBytes: section.maxInternalResponseBytes,
      rateLimit: section.rateLimit,
      monitor: section.monitor,
      signing: { ...(section.signingKeyPem ? { keyPem: section.signingKeyPem } : {}), keyFile: section.signingKeyFile },
      janitor: section.janitor,
      hfMirror: section.hfMirror,
      quotas: section.quotas,
      ...opts.gateway,
    },
  };
}

/** Seeds the default admin once the schema is migrated. */
class DefaultAdminSeeder implements OnModuleInit {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}
  async onModuleInit(): Promise<void> {
    await this.users.ensureDefaultAdmin();
  }
}

/** The registry's REST API (ECE 461 spec + ModelGuard extensions) as one Nest module. */
@Module({})
export class GatewayFeatureModule implements NestModule {
  static forRoot(opts: GatewayModuleOptions = {}): DynamicModule {
    return {
      module: GatewayFeatureModule,
      imports: [
        ServicePlatformModule.forService({
          service: 'gateway',
          schema: opts.schema ?? 'gateway',
          entities: gatewayEntities,
          migrations: gatewayMigrations,
          health: false,
          storage: true,
          cache: true,
        }),
        HealthModule.forRoot({ serviceName: 'gateway' }),
      ],
      controllers: CONTROLLERS,
      providers: [
        { provide: GATEWAY_SETTINGS, inject: [APP_CONFIG], useFactory: (c: AppConfig) => settingsFrom(c, opts) },
        { provide: GATEWAY_OUTBOX, useExisting: Outbox },
        { provide: GATEWAY_BLOB_STORE, inject: [BlobStore], useFactory: (store: BlobStore) => opts.blobStore ?? store },
        // Token use counts and sign-in failures live in the shared cache (Redis when distributed) so every gateway
        // replica sees them; what must survive a cache restart is kept in the database (auth/token-ledger.ts).
        { provide: GATEWAY_COUNTER_CACHE, inject: [CacheStore], useFactory: (cache: CacheStore) => opts.counterCache ?? cache },
        { provide: GATEWAY_CLOCK, useValue: opts.clock ?? systemClock },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        // Runs after the AuthGuard, on the actor it verified (rate-limit/identity-rate-limit.interceptor.ts).
        { provide: APP_INTERCEPTOR, useClass: IdentityRateLimitInterceptor },
        RateLimiter,
        AddressRateLimitMiddleware,
        TokenService,
        TokenLedger,
        LoginThrottle,
        UsersService,
        SecurityEvents,
        AuthGuard,
        DefaultAdminSeeder,
        IngestWaiter,
        ArtifactService,
        SearchService,
        SearchIndex,
        SearchEvents,
        RegistryResetService,
        DownloadService,
        PackageZipCache,
        SigningKeysService,
        ManifestSigner,
        SignedManifestService,
        UploaderKeysService,
        SensitiveModelsService,
        DownloadMonitorService,
        UploadService,
        UploadSessionsService,
        OrphanJanitor,
        VersionsService,
        InternalQueriesService,
        { provide: AUDIT_STREAM_OPTIONS, inject: [APP_CONFIG], useFactory: (c: AppConfig) => auditStreamOptionsFrom(c) },
        AuditStreamHub,
        AuditEntryAppendedHandler,
        GatewayEventHandlers,
        RatingComputedHandler,
        sealSettingsProvider,
        SealJobProcessor,
        SealWorker,
        SensitiveBlobSealer,
        StoreEncryptionJob,
        PopularityHandlers,
        JsonBodyMiddleware,
        RefusalRecorder,
        RevocationReconciler,
        HfTokensService,
        HfMirrorService,
        HfMissCache,
        HfMirrorGuard,
        HfScanFindings,
        ReleaseGates,
        AliasMover,
        ReleaseAudit,
        ReleaseRequestsService,
        AliasesService,
        AliasReadsService,
        QuotaService,
        ScannerPolicyService,
        PerformanceWorkloadService,
        RegistrySeeder,
      ],
      // Re-exported so the app (embedded mode, tests) can reach the platform's Outbox and the gateway's blob store.
      exports: [ServicePlatformModule, GATEWAY_BLOB_STORE],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Per-address limit first, so a limited request costs no body read. The docs (public files) and /health (not a
    // controller of this list) are never limited; sign-in has its own throttle and reset is exempt (RESET_ROUTE).
    consumer
      .apply(AddressRateLimitMiddleware)
      .exclude({ path: 'authenticate', method: RequestMethod.PUT }, { path: 'reset', method: RequestMethod.DELETE })
      .forRoutes(...CONTROLLERS.filter((controller) => controller !== DocsController && controller !== WebAppController));
    consumer.apply(JsonBodyMiddleware).forRoutes(...CONTROLLERS);
  }
}

/** What apps/gateway boots: the feature module in the `gateway` schema. */
@Module({ imports: [GatewayFeatureModule.forRoot()] })
export class GatewayModule {}
