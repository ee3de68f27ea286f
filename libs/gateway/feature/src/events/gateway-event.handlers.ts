import { Topic, type Envelope, type PayloadOf } from '@modelguard/contracts';
import { packageContentOf, type ResolvedPackage } from '@modelguard/storage';
import { parseReleaseVersion } from '@modelguard/domain';
import { OnEvent, type EventContext } from '@modelguard/messaging';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable } from '@nestjs/common';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { ManifestSigner } from '../signing/manifest-signer';
import { gatedSource, settleRatingGate } from './rating-gate';

/** README text kept for regex search; bounded so one huge model card cannot bloat every search. */
export const MAX_README_CHARS = 256 * 1024;

/**
 * Consumers of ingest/scan events that maintain the gateway's view of each version (ingest state, manifest, README,
 * scan state for the download gate). Payloads arrive validated by the messaging layer; ctx.manager is the delivery's
 * transaction (inbox-deduplicated), and every handler is also idempotent on its own: a redelivery converges.
 */
@Injectable()
export class GatewayEventHandlers {
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly signer: ManifestSigner,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
  ) {
    this.logger = logger.child({ context: 'GatewayEventHandlers' });
  }

  /** v2: the manifest and README are blob claims, fetched and verified (a bad claim fails the delivery). */
  @OnEvent(Topic.PackageStoredV2)
  async onPackageStoredV2(event: Envelope<PayloadOf<typeof Topic.PackageStoredV2>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const claims = { manifestSha256: p.manifest.sha256, readmeSha256: p.readme?.sha256 ?? null };
    await this.recordStored(p, () => packageContentOf(this.blobs, p), claims, ctx);
  }

  /** v1 (superseded): content inline; still handled so events published before the upgrade are not lost. */
  @OnEvent(Topic.PackageStored)
  async onPackageStored(event: Envelope<PayloadOf<typeof Topic.PackageStored>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    await this.recordStored(p, async () => ({ files: p.files, metadata: p.metadata }), { manifestSha256: null, readmeSha256: null }, ctx);
  }

  private async recordStored(
    p: Omit<PayloadOf<typeof Topic.PackageStoredV2>, 'source' | 'manifest' | 'readme' | 'metadata'> & { source: string },
    resolve: () => Promise<ResolvedPackage>,
    claims: { manifestSha256: string | null; readmeSha256: string | null },
    ctx: EventContext,
  ): Promise<void> {
    const artifact = await ctx.manager.getRepository(ArtifactEntity).findOneBy({ id: p.artifactId });
    // Before the claims are fetched: a deleted artifact's claim blobs may already be collected.
    if (artifact === null) return this.skip('PackageStored', p.artifactId);
    const content = await resolve();
    const files = content.files;
    const versions = ctx.manager.getRepository(ArtifactVersionEntity);
    const existing = await versions.findOneBy({ artifactId: p.artifactId, version: p.version });
    const stored = { source: p.source, files, totalBytes: String(p.totalBytes), ingestState: 'stored' as const, ingestError: null, ...claims };
    // The release the source calls this (a Hugging Face tag): shown and queried; the key stays the counter's.
    const versionLabel = parseReleaseVersion(content.metadata.upstream?.versionTag);
    // The ingest gate holds a Hugging Face model until its rating's verdict (rating-gate.ts).
    const ratingState = this.settings.gateway.ratingGate && gatedSource(p.artifactType, p.source) ? ('pending' as const) : null;
    if (existing === null) {
      const last = await versions.maximum('ordinal', { artifactId: p.artifactId });
      await versions.insert({ artifactId: p.artifactId, version: p.version, ordinal: (last ?? -1) + 1, url: p.url, scanState: 'pending', ratingState, versionLabel, ...stored });
    } else if (existing.ingestState !== 'stored') {
      // First time stored: the scan starts now. A redelivery must not reset a verdict that already arrived.
      await versions.update({ artifactId: p.artifactId, version: p.version }, { ...stored, scanState: 'pending', scanReason: null, ratingState, versionLabel });
    }
    // Signed in the same transaction as the row turning `stored`: a stored version is never without its bundle.
    if (existing === null || existing.ingestState !== 'stored') await this.signer.sign(ctx.manager, artifact, p.version, files);
    await settleRatingGate(ctx.manager, p.artifactId, p.version);
    const readme = content.metadata['readme'];
    if (typeof readme === 'string' && artifact.latestVersion === p.version) {
      await ctx.manager.getRepository(ArtifactEntity).update({ id: p.artifactId }, { readme: readme.slice(0, MAX_README_CHARS) });
    }
  }

  @OnEvent(Topic.IngestFailed)
  async onIngestFailed(event: Envelope<PayloadOf<typeof Topic.IngestFailed>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const versions = ctx.manager.getRepository(ArtifactVersionEntity);
    const result = await versions.update({ artifactId: p.artifactId, version: p.version, ingestState: 'ingesting' }, { ingestState: 'failed', ingestError: p.reason.slice(0, 2000) });
    if (!result.affected) return this.skip('IngestFailed', p.artifactId);
    // A failed update keeps the previous content current (ece461 Q&A): point the artifact back at the newest stored version.
    const previous = await versions.findOne({ where: { artifactId: p.artifactId, ingestState: 'stored' }, order: { ordinal: 'DESC' } });
    if (previous !== null) {
      await ctx.manager.getRepository(ArtifactEntity).update({ id: p.artifactId, latestVersion: p.version }, { latestVersion: previous.version, url: previous.url });
    }
  }

  @OnEvent(Topic.ScanCompleted)
  async onScanCompleted(event: Envelope<PayloadOf<typeof Topic.ScanCompleted>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const c = p.findingCounts;
    const reason = p.verdict === 'clean' ? null : `scan ${p.verdict} (report ${p.reportId}: ${c.critical} critical, ${c.error} error, ${c.warning} warning findings)`;
    const result = await ctx.manager
      .getRepository(ArtifactVersionEntity)
      .update({ artifactId: p.artifactId, version: p.version }, { scanState: p.verdict, scanReason: reason });
    if (!result.affected) this.skip('ScanCompleted', p.artifactId);
  }

  /** A version that could not be scanned is blocked: unknown content must not be served as if it were clean. */
  @OnEvent(Topic.ScanFailed)
  async onScanFailed(event: Envelope<PayloadOf<typeof Topic.ScanFailed>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const result = await ctx.manager
      .getRepository(ArtifactVersionEntity)
      .update({ artifactId: p.artifactId, version: p.version }, { scanState: 'blocked', scanReason: `scan failed: ${p.reason.slice(0, 1000)}` });
    if (!result.affected) this.skip('ScanFailed', p.artifactId);
  }

  private skip(kind: string, artifactId: string): void {
    // Normal after a delete or reset: the event describes an artifact that no longer exists.
    this.logger.debug(`${kind} for unknown artifact ${artifactId} ignored`);
  }
}
