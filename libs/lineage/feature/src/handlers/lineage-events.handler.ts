import { Inject, Injectable } from '@nestjs/common';
import {
  type ArtifactDeletedV1,
  type Envelope,
  type PackageStoredV1,
  type PackageStoredV2,
  type PackageUploadedV1,
  type PackageUploadedV2,
  type RegistryResetV1,
  Topic,
} from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { BlobStore, packageContentOf } from '@modelguard/storage';
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
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  /**
   * A package fetched from upstream: ingest already extracted its metadata (config.json, adapter config, card).
   * v2 carries the manifest and README as blob claims (fetched and verified); v1 (superseded) inline.
   */
  @OnEvent(Topic.PackageStoredV2)
  async onPackageStoredV2(event: Envelope<PackageStoredV2>, ctx: EventContext): Promise<void> {
    await this.recordFetched(event, ctx);
  }

  @OnEvent(Topic.PackageStored)
  async onPackageStored(event: Envelope<PackageStoredV1>, ctx: EventContext): Promise<void> {
    await this.recordFetched(event, ctx);
  }

  /**
   * A package uploaded to the gateway: its event carries no metadata, so the model's files are read from the blob
   * store (bounded) before the graph lock is taken.
   */
  @OnEvent(Topic.PackageUploadedV2)
  async onPackageUploadedV2(event: Envelope<PackageUploadedV2>, ctx: EventContext): Promise<void> {
    await this.recordUploaded(event, ctx);
  }

  @OnEvent(Topic.PackageUploaded)
  async onPackageUploaded(event: Envelope<PackageUploadedV1>, ctx: EventContext): Promise<void> {
    await this.recordUploaded(event, ctx);
  }

  private async recordFetched(event: Envelope<PackageStoredV1 | PackageStoredV2>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const { files, metadata } = await packageContentOf(this.blobs, p);
    const stored = { ref: p, version: p.version, url: p.url, totalBytes: p.totalBytes, hasContent: files.length > 0, metadata, problems: [] };
    await this.graph.recordStored(ctx.manager, stored, event);
  }

  private async recordUploaded(event: Envelope<PackageUploadedV1 | PackageUploadedV2>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const content = await packageContentOf(this.blobs, p);
    const read = p.artifactType === 'model' ? await this.files.read(content.files) : { metadata: {}, problems: [] };
    const metadata = { ...read.metadata, ...content.metadata };
    const stored = { ref: p, version: p.version, url: p.url, totalBytes: p.totalBytes, hasContent: content.files.length > 0, metadata, problems: read.problems };
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
