import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Module } from '@nestjs/common';
import { type Envelope, type ManifestEntry, type PackageStoredV1, type PayloadOf, type TopicName } from '@modelguard/contracts';
import { createEnvelope, InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { FsBlobStore } from '@modelguard/storage';
import { serviceTestEnv } from '@modelguard/testing';
import { ScoringModule } from '../src/scoring.module';
import type { GithubEvidenceSource } from '../src/worker/evidence-assembler';
import type { ScoringSettings } from '../src/worker/scoring-settings';

export interface ScoringTestApp {
  service: RunningService;
  broker: InProcessBroker;
  /** The service's blob store root (fs driver): `putFile` stores package files there. */
  blobRoot: string;
  close(): Promise<void>;
}

/** Boots the real scoring service (real Postgres schema, in-process broker) in this process, with fast knobs. */
export async function startScoringTestApp(opts: {
  schema: string;
  settings?: Partial<ScoringSettings>;
  github?: GithubEvidenceSource;
  /** Extra environment (GITHUB_API_URL of a fake GitHub, UPSTREAM_ALLOW_PRIVATE, LLM_*, ...). */
  env?: Record<string, string>;
}): Promise<ScoringTestApp> {
  const broker = new InProcessBroker();
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-scoring-data-'));
  const blobRoot = join(dataDir, 'blobs');
  const settings = { leaseMs: 2_000, heartbeatMs: 500, pollMs: 100, ...opts.settings };
  @Module({ imports: [ScoringModule.forService({ schema: opts.schema, settings, github: opts.github, relayPollMs: 50 })] })
  class ScoringTestModule {}
  const service = await bootstrapService({
    service: 'scoring',
    module: ScoringTestModule,
    inProcessBroker: broker,
    shutdownHooks: false,
    exitOnConfigError: false,
    env: serviceTestEnv({ DATA_DIR: dataDir, STORAGE_DRIVER: 'fs', STORAGE_ROOT: blobRoot, ...opts.env }),
  });
  return { service, broker, blobRoot, close: () => service.close() };
}

/** Publishes an event as its producer would (a test may deliver the very same envelope twice). */
export async function deliver<T extends TopicName>(broker: InProcessBroker, topic: T, payload: PayloadOf<T>, key: string): Promise<Envelope<PayloadOf<T>>> {
  const envelope = createEnvelope('gateway', topic, payload, { key });
  await redeliver(broker, envelope);
  return envelope;
}

export async function redeliver(broker: InProcessBroker, envelope: Envelope): Promise<void> {
  await broker.send([{ topic: envelope.type, key: envelope.key, value: JSON.stringify(envelope), headers: {} }]);
}

/** Stores one package file in the service's blob store and returns its manifest entry. */
export async function putFile(blobRoot: string, path: string, content: string | Buffer): Promise<ManifestEntry> {
  const { sha256, size } = await new FsBlobStore(blobRoot).put(Readable.from([Buffer.from(content)]));
  return { path, size, sha256 };
}

/** Payloads the service published on a topic, parsed. */
export function published<T extends TopicName>(broker: InProcessBroker, topic: T): Envelope<PayloadOf<T>>[] {
  return broker.messages(topic).map((m) => JSON.parse(m.value) as Envelope<PayloadOf<T>>);
}

const HEX = '0123456789abcdef';
const fakeSha = (seed: string) => Array.from({ length: 64 }, (_, i) => HEX[(seed.charCodeAt(i % seed.length) + i) % 16]).join('');

/** A stored-package payload as ingest would publish it (manifest entries only: scoring never reads blobs). */
export function storedPackage(
  ref: { artifactId: string; artifactType: PackageStoredV1['artifactType']; name: string },
  opts: { url?: string; version?: string; metadata?: PackageStoredV1['metadata']; files?: { path: string; size: number }[] } = {},
): PackageStoredV1 {
  const files = (opts.files ?? [{ path: 'README.md', size: 1_000 }]).map((f) => ({ ...f, sha256: fakeSha(`${ref.artifactId}/${f.path}`) }));
  return {
    ...ref,
    version: opts.version ?? '1.0.0',
    source: 'huggingface',
    url: opts.url ?? `https://huggingface.co/acme/${ref.name}`,
    files,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    metadata: opts.metadata ?? {},
  };
}
