import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Module } from '@nestjs/common';
import { type Envelope, type PackageStoredV1, type PayloadOf, Topic, type TopicName } from '@modelguard/contracts';
import { createEnvelope, InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { FsBlobStore } from '@modelguard/storage';
import { serviceTestEnv } from '@modelguard/testing';
import { ScanServiceModule } from '../src/scan-service.module';
import type { FileScanEngine } from '../src/scanning/scan-engine.port';
import { type ScanSettings, scanSettingsFromEnv } from '../src/worker/scan-settings';
import { sha256Of } from './model-fixtures';

export interface ScanTestApp {
  service: RunningService;
  broker: InProcessBroker;
  settings: ScanSettings;
  close(): Promise<void>;
}

/** Fast knobs for tests: short leases and polls, quick blob retries. */
export function testSettings(overrides: Partial<ScanSettings> = {}): ScanSettings {
  return scanSettingsFromEnv({}, { leaseMs: 2_000, heartbeatMs: 500, pollMs: 100, blobAttempts: 2, blobRetryDelayMs: 20, ...overrides });
}

/** Boots the real scan service (real Postgres schema, fs blob store, in-process broker) in this process. */
export async function startScanTestApp(opts: {
  schema: string;
  blobRoot: string;
  settings?: ScanSettings;
  engine?: FileScanEngine;
  broker?: InProcessBroker;
  /** Extra environment, e.g. STORAGE_DRIVER=s3 and its settings. */
  env?: Record<string, string>;
}): Promise<ScanTestApp> {
  const settings = opts.settings ?? testSettings();
  const broker = opts.broker ?? new InProcessBroker();
  @Module({ imports: [ScanServiceModule.forService({ schema: opts.schema, settings, engine: opts.engine, relayPollMs: 50 })] })
  class ScanTestModule {}
  const service = await bootstrapService({
    service: 'scan',
    module: ScanTestModule,
    inProcessBroker: broker,
    shutdownHooks: false,
    exitOnConfigError: false,
    env: serviceTestEnv({ STORAGE_DRIVER: 'fs', STORAGE_ROOT: opts.blobRoot, DATA_DIR: mkdtempSync(join(tmpdir(), 'mg-scan-data-')), ...opts.env }),
  });
  return { service, broker, settings, close: () => service.close() };
}

export async function putBlob(root: string, content: Buffer): Promise<string> {
  const { sha256 } = await new FsBlobStore(root).put(Readable.from([content]));
  return sha256;
}

export interface PackageFile {
  path: string;
  content: Buffer;
}

/** Stores the files and builds the PackageStored payload the ingest service would publish. */
export async function storePackage(root: string, artifactId: string, files: PackageFile[], version = '1.0.0'): Promise<PackageStoredV1> {
  const manifest = [];
  for (const file of files) {
    await putBlob(root, file.content);
    manifest.push({ path: file.path, size: file.content.length, sha256: sha256Of(file.content) });
  }
  return {
    artifactId,
    artifactType: 'model',
    name: `model-${artifactId}`,
    version,
    source: 'upload',
    url: `upload://${artifactId}`,
    files: manifest,
    totalBytes: files.reduce((sum, f) => sum + f.content.length, 0),
    metadata: {},
  };
}

export function envelopeOf<T extends TopicName>(topic: T, payload: PayloadOf<T>, key: string): Envelope<PayloadOf<T>> {
  return createEnvelope('ingest', topic, payload, { key });
}

/** Publishes an already-built envelope (so a test can deliver the very same event twice). */
export async function deliver(broker: InProcessBroker, envelope: Envelope): Promise<void> {
  await broker.send([{ topic: envelope.type, key: envelope.key, value: JSON.stringify(envelope), headers: {} }]);
}

export async function publishPackageStored(broker: InProcessBroker, payload: PackageStoredV1): Promise<Envelope<PackageStoredV1>> {
  const envelope = envelopeOf(Topic.PackageStored, payload, payload.artifactId);
  await deliver(broker, envelope);
  return envelope;
}

/** Payloads the service published on a topic, parsed. */
export function published<T extends TopicName>(broker: InProcessBroker, topic: T): Envelope<PayloadOf<T>>[] {
  return broker.messages(topic).map((m) => JSON.parse(m.value) as Envelope<PayloadOf<T>>);
}
