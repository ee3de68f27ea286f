import { Topic, type Envelope, type ManifestEntry, type PayloadOf } from '@modelguard/contracts';
import { Outbox, OnEvent, type EventContext } from '@modelguard/messaging';
import { writePackageClaims } from '@modelguard/storage';
import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../src/ports/blob-store.port';

/** README text the fake ingest stores for URLs containing `readme-` (regex tests search it). */
export const FAKE_README = 'This model card mentions the quantum-banana architecture. ' + 'a'.repeat(100_000) + '!';

/**
 * Test double of the ingest service (HuggingFace/GitHub are unreachable here). It reacts to the gateway's real events
 * over the in-process broker: URLs containing `slow` never finish (→ 202), `fail` fail (→ 424), others get a small
 * stored package; non-HF/GitHub URLs get a metadata-only PackageStored, as the real ingest does (v2: manifest and
 * README written as blob claims, like the real ingest). A URL containing
 * `tagged-<tag>` (`…/model-tagged-v1.2.0`) is reported as carrying that git tag (metadata.upstream.versionTag).
 */
@Injectable()
export class FakeIngestHandler {
  constructor(
    private readonly outbox: Outbox,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
  ) {}

  @OnEvent(Topic.IngestRequested)
  async onIngestRequested(event: Envelope<PayloadOf<typeof Topic.IngestRequested>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const ref = { artifactId: p.artifactId, artifactType: p.artifactType, name: p.name };
    if (p.url.includes('slow')) return;
    if (p.url.includes('fail')) {
      await this.outbox.enqueue(ctx.manager, Topic.IngestFailed, { ...ref, version: p.version, reason: 'disqualified rating: net_score 0.2 < 0.5', retriable: false }, { key: p.artifactId });
      return;
    }
    const readme = p.url.includes('readme-') ? FAKE_README : `# ${p.name}\nA test package.`;
    const files: ManifestEntry[] = [];
    for (const [path, content] of [
      ['README.md', readme],
      ['config.json', JSON.stringify({ model_type: 'bert', source: p.url })],
      ['model.safetensors', `weights-of-${p.url}-`.repeat(50)],
      ['src/train.py', 'print("train")\n'],
    ] as const) {
      const { sha256, size } = await this.blobs.put(Readable.from([Buffer.from(content)]));
      files.push({ path, size, sha256 });
    }
    const totalBytes = files.reduce((n, f) => n + f.size, 0);
    const source = p.url.includes('github.com') ? 'github' : 'huggingface';
    const versionTag = /tagged-([^/?#]+)/.exec(p.url)?.[1];
    const metadata = versionTag === undefined ? { readme } : { readme, upstream: { versionTag } };
    const claims = await writePackageClaims(this.blobs, { files, metadata });
    await this.outbox.enqueue(ctx.manager, Topic.PackageStoredV2, { ...ref, version: p.version, source, url: p.url, totalBytes, ...claims }, { key: p.artifactId });
  }

  @OnEvent(Topic.ArtifactCreated)
  async onArtifactCreated(event: Envelope<PayloadOf<typeof Topic.ArtifactCreated>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    if (/huggingface\.co|github\.com/.test(p.url)) return;
    const claims = await writePackageClaims(this.blobs, { files: [], metadata: {} });
    await this.outbox.enqueue(
      ctx.manager,
      Topic.PackageStoredV2,
      { artifactId: p.artifactId, artifactType: p.artifactType, name: p.name, version: p.version, source: 'metadata-only', url: p.url, totalBytes: 0, ...claims },
      { key: p.artifactId },
    );
  }
}
