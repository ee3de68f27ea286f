import type { IngestGateVerdictV1 } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ModelRatingEntity } from '../persistence/model-rating.entity';

export type IngestOutcome =
  | { state: 'stored' }
  | { state: 'failed'; reason: string }
  /** Stored, then refused by the ingest gate (events/rating-gate.ts): the failing metrics and their values. */
  | { state: 'rejected'; reason: string; failures: IngestGateVerdictV1['failures'] }
  | { state: 'ingesting' };

const POLL_MS = 100;

/**
 * Waits (bounded by gateway.ingestWaitMs) for a version to leave `ingesting` and, for a model the ingest gate holds,
 * for its rating's verdict. It polls our own table rather than listening for events so it works identically
 * whichever gateway instance consumed the PackageStored and RatingComputed events.
 */
@Injectable()
export class IngestWaiter {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  /** `waitMs` defaults to gateway.ingestWaitMs; the HF mirror passes its own budget (hf-mirror/). */
  async wait(artifactId: string, version: string, waitMs = this.settings.gateway.ingestWaitMs): Promise<IngestOutcome> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const row = await this.dataSource
        .getRepository(ArtifactVersionEntity)
        .findOne({ where: { artifactId, version }, select: { ingestState: true, ingestError: true, ratingState: true, ratingReason: true } });
      if (row === null) return { state: 'failed', reason: 'the artifact was removed while ingesting' };
      if (row.ingestState === 'failed') return { state: 'failed', reason: row.ingestError ?? 'ingestion failed' };
      if (row.ingestState === 'stored' && row.ratingState === 'rejected') return this.rejected(artifactId, version, row.ratingReason);
      if (row.ingestState === 'stored' && row.ratingState !== 'pending') return { state: 'stored' };
      if (Date.now() + POLL_MS > deadline) return { state: 'ingesting' };
      await sleep(POLL_MS);
    }
  }

  private async rejected(artifactId: string, version: string, reason: string | null): Promise<IngestOutcome> {
    const rating = await this.dataSource.getRepository(ModelRatingEntity).findOne({ where: { artifactId, version }, select: { gate: true } });
    return { state: 'rejected', reason: reason ?? 'disqualified rating', failures: rating?.gate?.failures ?? [] };
  }
}
