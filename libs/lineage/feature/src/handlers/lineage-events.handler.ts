import { Inject, Injectable } from '@nestjs/common';
import { type ArtifactDeletedV1, type Envelope, type PackageStoredV1, type PackageUploadedV1, type RegistryResetV1, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { PackageFilesReader } from '../declarations/package-files.reader';
import { LineageGraphService } from '../graph/lineage-graph.service';

/**
 * Consumes the events lineage reacts to. Each handler runs in its inbox transaction (deliveries are deduplicated;
 * a redelivered version under a new event id converges to the same graph and publishes nothing new): stored
 * versions add and resolve edges, deletions and the reset remove them.
 */
@Injectable()
export class LineageEventsHandler {
  constructor(
    @Inject(LineageGraphService) private readonly graph: LineageGraphService,
    @Inject(PackageFilesReader) private readonly files: PackageFilesReader,
  ) {}

  /** A package fetched from upstream: ingest already extracted its metadata (config.json, adapter config, card). */
  @OnEvent(Topic.PackageStored)
  async onPackageStored(event: Envelope<PackageStoredV1>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const stored = { ref: p, version: p.version, url: p.url, totalBytes: p.totalBytes, hasContent: p.files.length > 0, metadata: p.metadata, problems: [] };
    await this.graph.recordStored(ctx.manager, stored, event);
  }

  /**
   * A package uploaded to the gateway: its event carries no metadata, so the model's files are read from the blob
   * store (bounded) before the graph lock is taken.
   */
  @OnEvent(Topic.PackageUploaded)
  async onPackageUploaded(event: Envelope<PackageUploadedV1>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const read = p.artifactType === 'model' ? await this.files.read(p.files) : { metadata: {}, problems: [] };
    const metadata = { ...read.metadata, ...p.metadata };
    const stored = { ref: p, version: p.version, url: p.url, totalBytes: p.totalBytes, hasContent: p.files.length > 0, metadata, problems: read.problems };
    await this.graph.recordStored(ctx.manager, stored, event);
  }

  @OnEvent(Topic.ArtifactDeleted)
  async onArtifactDeleted(event: Envelope<ArtifactDeletedV1>, ctx: EventContext): Promise<void> {
    await this.graph.recordDeleted(ctx.manager, event.payload.artifactId, event);
  }

  /** The registry is empty again: so is the graph. */
  @OnEvent(Topic.RegistryReset)
  async onRegistryReset(_event: Envelope<RegistryResetV1>, ctx: EventContext): Promise<void> {
    await this.graph.reset(ctx.manager);
  }
}
