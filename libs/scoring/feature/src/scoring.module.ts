import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, loadServiceSection } from '@modelguard/config';
import { ServicePlatformModule } from '@modelguard/runtime';
import { githubEvidenceProvider } from './evidence';
import { LineageChangedHandler } from './handlers/lineage-changed.handler';
import { ScoringEventsHandler } from './handlers/scoring-events.handler';
import { githubLicenseReaderProvider } from './license-check/github-license.provider';
import { LicenseCheckController } from './license-check/license-check.controller';
import { LicenseCheckService } from './license-check/license-check.service';
import { ratingOptionsProvider } from './llm/rating-options.provider';
import { SCORING_MIGRATIONS } from './persistence/create-scoring-tables.migration';
import { GITHUB_EVIDENCE_SOURCE, type GithubEvidenceSource } from './worker/evidence-assembler';
import { RatingJobProcessor } from './worker/rating-job.processor';
import { RatingWorker } from './worker/rating-worker.service';
import { SCORING_SETTINGS, type ScoringSettings, scoringSettings, scoringSettingsFrom } from './worker/scoring-settings';

export interface ScoringModuleOptions {
  service?: string;
  /** Postgres schema; `scoring` in production, a throw-away name in tests. */
  schema?: string;
  /** Worker tuning; omitted, it comes from the config's SCORING_* section (`config.scoring`, defaults when absent). */
  settings?: Partial<ScoringSettings>;
  /** Replaces the GitHub evidence collector (default: GithubEvidenceCollector over GITHUB_API_URL). */
  github?: GithubEvidenceSource;
  relayPollMs?: number;
  retry?: { attempts: number; initialDelayMs: number };
}

/**
 * The scoring service: platform (own schema, outbox/inbox, health), the handlers that record every stored
 * package version (PackageStored, PackageUploaded) and queue a rating job per model version, the worker loop
 * that computes the rating and publishes RatingComputed, the ArtifactDeleted/RegistryReset clean-up, and the
 * LicenseCheck internal query (license-check/).
 */
@Module({})
export class ScoringModule {
  static forService(opts: ScoringModuleOptions = {}): DynamicModule {
    const settings: Provider = {
      provide: SCORING_SETTINGS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ScoringSettings =>
        opts.settings ? scoringSettings(opts.settings) : scoringSettingsFrom(config.scoring ?? loadServiceSection('scoring', {})),
    };
    // GitHub history through the guarded egress client (GITHUB_API_URL); the rating job bounds the whole
    // collection by the settings' evidence timeout (EvidenceAssembler), the collector bounds each call.
    const github: Provider = opts.github ? { provide: GITHUB_EVIDENCE_SOURCE, useValue: opts.github } : githubEvidenceProvider(GITHUB_EVIDENCE_SOURCE);
    return {
      module: ScoringModule,
      imports: [
        ServicePlatformModule.forService({
          service: opts.service ?? 'scoring',
          schema: opts.schema ?? 'scoring',
          entities: [],
          migrations: SCORING_MIGRATIONS,
          relayPollMs: opts.relayPollMs,
          retry: opts.retry,
          // Uploaded packages carry no card in their event: the README is read from the stored files.
          storage: true,
        }),
      ],
      // The LicenseCheck internal query, served over the service's HTTP port (the gateway is its caller).
      controllers: [LicenseCheckController],
      providers: [settings, github, ratingOptionsProvider(), RatingJobProcessor, RatingWorker, ScoringEventsHandler, LineageChangedHandler, githubLicenseReaderProvider(), LicenseCheckService],
      exports: [RatingWorker, SCORING_SETTINGS],
    };
  }
}
