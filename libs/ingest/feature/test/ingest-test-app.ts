import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Envelope, type PayloadOf, Topic, type TopicName } from '@modelguard/contracts';
import { createEnvelope, InProcessBroker } from '@modelguard/messaging';
import { FsBlobStore, packageContentOf, type ResolvedPackage } from '@modelguard/storage';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, serviceTestEnv, testInfra } from '@modelguard/testing';
import { IngestModule } from '../src/ingest.module';
import { type IngestSettings, ingestSettingsFromEnv } from '../src/worker/ingest-settings';

export interface IngestTestApp {
  service: RunningService;
  broker: InProcessBroker;
  schema: string;
  blobRoot: string;
  close(): Promise<void>;
}

export interface IngestTestAppOptions {
  /** Share a schema between instances (lease takeover tests); default a fresh one, dropped on close. */
  schema?: string;
  /** Another database (embedded PGlite); default the test Postgres. */
  databaseUrl?: string;
  blobRoot?: string;
  settings?: Partial<IngestSettings>;
}

/** Fast worker knobs for tests: short poll and lease, short shutdown grace. */
export function testWorkerSettings(overrides: Partial<IngestSettings> = {}): Partial<IngestSettings> {
  const leaseMs = overrides.leaseMs ?? 5_000;
  return { pollMs: 100, leaseMs, heartbeatMs: Math.max(100, Math.floor(leaseMs / 3)), shutdownGraceMs: 2_000, ...overrides };
}

/** Boots the real ingest service (real Postgres schema, fs blobs, in-process broker) against the given upstreams. */
export async function startIngestTestApp(
  upstreams: { hfUrl: string; githubUrl: string },
  env: Record<string, string> = {},
  opts: IngestTestAppOptions = {},
): Promise<IngestTestApp> {
  const ownSchema = opts.schema === undefined;
  const schema = opts.schema ?? createTestSchemaName('ingest');
  const blobRoot = opts.blobRoot ?? mkdtempSync(join(tmpdir(), 'mg-ingest-blobs-'));
  const broker = new InProcessBroker();
  const settings = ingestSettingsFromEnv({}, testWorkerSettings(opts.settings));
  const service = await bootstrapService({
    service: 'ingest',
    module: IngestModule.forService({ schema, retry: { attempts: 2, initialDelayMs: 20 }, relayPollMs: 50, tmpDir: join(blobRoot, 'tmp'), settings }),
    httpPort: 0,
    inProcessBroker: broker,
    shutdownHooks: false,
    exitOnConfigError: false,
    env: serviceTestEnv({
      HF_ENDPOINT: upstreams.hfUrl,
      GITHUB_API_URL: upstreams.githubUrl,
      // The fakes listen on loopback: private networks are allowed explicitly, for these tests only.
      UPSTREAM_ALLOW_PRIVATE: 'true',
      UPSTREAM_REQUEST_TIMEOUT_MS: '2000',
      STORAGE_ROOT: blobRoot,
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
      ...env,
    }),
  });
  return {
    service,
    broker,
    schema,
    blobRoot,
    close: async () => {
      await service.close();
      if (ownSchema && !opts.databaseUrl) await dropSchemas(testInfra.databaseUrl, [schema]);
    },
  };
}

let seq = 0;
export function newArtifactId(prefix = 'ing'): string {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}-${seq}`;
}

export function ingestRequest(url: string, artifactType: 'model' | 'dataset' | 'code', artifactId = newArtifactId()): Envelope<PayloadOf<typeof Topic.IngestRequested>> {
  return createEnvelope('gateway', Topic.IngestRequested, { artifactId, artifactType, name: url.split('/').pop() ?? 'x', url, version: '1.0.0', actor: { name: 'tester', isAdmin: false } }, { key: artifactId });
}

export async function deliver(broker: InProcessBroker, envelope: Envelope): Promise<void> {
  await broker.send([{ topic: envelope.type, key: envelope.key, value: JSON.stringify(envelope), headers: {} }]);
}

/** A PackageStored v2 event's manifest and metadata, resolved from its claim checks in the app's blob store. */
export function storedContent(blobRoot: string, payload: PayloadOf<typeof Topic.PackageStoredV2>): Promise<ResolvedPackage> {
  return packageContentOf(new FsBlobStore(blobRoot), payload);
}

export function published<T extends TopicName>(broker: InProcessBroker, topic: T): Envelope<PayloadOf<T>>[] {
  return broker.messages(topic).map((m) => JSON.parse(m.value) as Envelope<PayloadOf<T>>);
}
