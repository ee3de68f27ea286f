import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Envelope, type PayloadOf, Topic, type TopicName } from '@modelguard/contracts';
import { createEnvelope, InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, serviceTestEnv, testInfra } from '@modelguard/testing';
import { IngestModule } from '../src/ingest.module';

export interface IngestTestApp {
  service: RunningService;
  broker: InProcessBroker;
  schema: string;
  blobRoot: string;
  close(): Promise<void>;
}

/** Boots the real ingest service (real Postgres schema, fs blobs, in-process broker) against the given upstreams. */
export async function startIngestTestApp(upstreams: { hfUrl: string; githubUrl: string }, env: Record<string, string> = {}): Promise<IngestTestApp> {
  const schema = createTestSchemaName('ingest');
  const blobRoot = mkdtempSync(join(tmpdir(), 'mg-ingest-blobs-'));
  const broker = new InProcessBroker();
  const service = await bootstrapService({
    service: 'ingest',
    module: IngestModule.forService({ schema, retry: { attempts: 2, initialDelayMs: 20 }, relayPollMs: 50, tmpDir: join(blobRoot, 'tmp') }),
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
      await dropSchemas(testInfra.databaseUrl, [schema]);
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

export function published<T extends TopicName>(broker: InProcessBroker, topic: T): Envelope<PayloadOf<T>>[] {
  return broker.messages(topic).map((m) => JSON.parse(m.value) as Envelope<PayloadOf<T>>);
}
