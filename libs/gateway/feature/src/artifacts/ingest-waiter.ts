import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';

export type IngestOutcome = { state: 'stored' } | { state: 'failed'; reason: string } | { state: 'ingesting' };

const POLL_MS = 100;

/**
 * Waits (bounded by gateway.ingestWaitMs) for a version to leave `ingesting`. It polls our own table rather than
 * listening for events so it works identically whichever gateway instance consumed the PackageStored event.
 */
@Injectable()
export class IngestWaiter {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async wait(artifactId: string, version: string): Promise<IngestOutcome> {
    const deadline = Date.now() + this.settings.gateway.ingestWaitMs;
    for (;;) {
      const row = await this.dataSource
        .getRepository(ArtifactVersionEntity)
        .findOne({ where: { artifactId, version }, select: { ingestState: true, ingestError: true } });
      if (row === null) return { state: 'failed', reason: 'the artifact was removed while ingesting' };
      if (row.ingestState === 'stored') return { state: 'stored' };
      if (row.ingestState === 'failed') return { state: 'failed', reason: row.ingestError ?? 'ingestion failed' };
      if (Date.now() + POLL_MS > deadline) return { state: 'ingesting' };
      await sleep(POLL_MS);
    }
  }
}
