import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Envelope, type PayloadOf, PackageStoredV1, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent, Outbox } from '@modelguard/messaging';
import type { EntityManager } from 'typeorm';
import { INGEST_DEPS, INGEST_SETTINGS, type IngestSettings } from '../ingest.tokens';
import { IngestionEntity } from '../persistence/ingestion.entity';
import type { IngestDeps } from '../sources/package-content';
import { resolvePackage } from '../sources/resolve-package';
import { classifyFailure } from './failure-classifier';

type IngestRequested = PayloadOf<typeof Topic.IngestRequested>;

/**
 * Fetches what the gateway asked for and announces the outcome. Transient failures are thrown so the
 * messaging layer retries with back-off; on the last attempt (or for permanent failures) the failure is
 * recorded and IngestFailed is published instead, so the gateway always hears back.
 */
@Injectable()
export class IngestRequestedHandler {
  private readonly logger = new Logger(IngestRequestedHandler.name);

  constructor(
    private readonly outbox: Outbox,
    @Inject(INGEST_DEPS) private readonly deps: IngestDeps,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  @OnEvent(Topic.IngestRequested)
  async onIngestRequested(event: Envelope<IngestRequested>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const opts = { key: p.artifactId, causationId: event.eventId, correlationId: event.correlationId };
    const repo = ctx.manager.getRepository(IngestionEntity);
    const previous = await repo.findOneBy({ artifactId: p.artifactId, version: p.version });
    const stored = previous?.status === 'stored' ? PackageStoredV1.safeParse(previous.result) : null;
    if (stored?.success && stored.data.url === p.url) {
      // Same artifact version already mirrored: re-announce it (the requester may have missed it), no download.
      await this.outbox.enqueue(ctx.manager, Topic.PackageStored, stored.data, opts);
      return;
    }
    const startedAt = new Date();
    try {
      const content = await resolvePackage(this.deps, p.url, p.artifactType);
      const payload: PackageStoredV1 = { artifactId: p.artifactId, artifactType: p.artifactType, name: p.name, version: p.version, url: p.url, ...content };
      await this.record(ctx.manager, p, { status: 'stored', attempts: ctx.attempt, startedAt, error: null, result: payload });
      await this.outbox.enqueue(ctx.manager, Topic.PackageStored, payload, opts);
    } catch (error) {
      const failure = classifyFailure(error);
      const lastAttempt = ctx.attempt >= this.settings.maxAttempts;
      if (!failure.permanent && !lastAttempt) throw error;
      this.logger.warn(`ingest of ${p.artifactId}@${p.version} failed for good (attempt ${ctx.attempt}): ${failure.reason}`);
      await this.record(ctx.manager, p, { status: 'failed', attempts: ctx.attempt, startedAt, error: failure.reason, result: null });
      await this.outbox.enqueue(
        ctx.manager,
        Topic.IngestFailed,
        { artifactId: p.artifactId, artifactType: p.artifactType, name: p.name, version: p.version, reason: failure.reason, retriable: !failure.permanent },
        opts,
      );
    }
  }

  /** A reset empties the registry: forget every outcome so re-registered artifacts are fetched afresh. */
  @OnEvent(Topic.RegistryReset)
  async onRegistryReset(_event: Envelope<PayloadOf<typeof Topic.RegistryReset>>, ctx: EventContext): Promise<void> {
    await ctx.manager.getRepository(IngestionEntity).clear();
  }

  private async record(
    manager: EntityManager,
    p: IngestRequested,
    outcome: Pick<IngestionEntity, 'status' | 'attempts' | 'startedAt' | 'error'> & { result: PackageStoredV1 | null },
  ): Promise<void> {
    // Raw upsert: TypeORM's partial-entity types do not accept a free-form jsonb value.
    const schema = (manager.connection.options as { schema?: string }).schema ?? 'public';
    await manager.query(
      `INSERT INTO "${schema}"."ingestion"
         ("artifact_id", "version", "artifact_type", "url", "status", "attempts", "started_at", "finished_at", "error", "result")
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9)
       ON CONFLICT ("artifact_id", "version") DO UPDATE SET
         "artifact_type" = EXCLUDED."artifact_type", "url" = EXCLUDED."url", "status" = EXCLUDED."status",
         "attempts" = EXCLUDED."attempts", "started_at" = EXCLUDED."started_at", "finished_at" = EXCLUDED."finished_at",
         "error" = EXCLUDED."error", "result" = EXCLUDED."result"`,
      [p.artifactId, p.version, p.artifactType, p.url, outcome.status, outcome.attempts, outcome.startedAt, outcome.error, outcome.result ? JSON.stringify(outcome.result) : null],
    );
  }
}
