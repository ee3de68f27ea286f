import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ManifestEntry } from '@modelguard/contracts';
import { InternalClient } from '@modelguard/internal-client';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { FsBlobStore } from '@modelguard/storage';
import { dropSchemas, serviceTestEnv, testInfra } from '@modelguard/testing';
import { LineageModule } from '../src/lineage.module';

export interface LineageTestApp {
  service: RunningService;
  broker: InProcessBroker;
  /** Queries the service as the gateway does (the contracts' InternalClient, both sides validated). */
  client: InternalClient;
  /** Stores one package file in the service's blob store and returns its manifest entry. */
  putFile(path: string, content: string | Buffer): Promise<ManifestEntry>;
  close(): Promise<void>;
}

/** Boots the real lineage service (real Postgres schema, fs blob store, in-process broker, HTTP on a free port). */
export async function startLineageTestApp(opts: { schema: string }): Promise<LineageTestApp> {
  const broker = new InProcessBroker();
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-lineage-data-'));
  const blobRoot = join(dataDir, 'blobs');
  const service = await bootstrapService({
    service: 'lineage',
    module: LineageModule.forService({ schema: opts.schema, relayPollMs: 50, retry: { attempts: 2, initialDelayMs: 20 } }),
    httpPort: 0,
    inProcessBroker: broker,
    shutdownHooks: false,
    exitOnConfigError: false,
    env: serviceTestEnv({ DATA_DIR: dataDir, STORAGE_DRIVER: 'fs', STORAGE_ROOT: blobRoot }),
  });
  const blobs = new FsBlobStore(blobRoot);
  return {
    service,
    broker,
    client: new InternalClient({ baseUrls: { lineage: service.url }, timeoutMs: 5_000 }),
    putFile: async (path, content) => {
      const { sha256, size } = await blobs.put(Readable.from([Buffer.from(content)]));
      return { path, size, sha256 };
    },
    close: async () => {
      await service.close();
      await dropSchemas(testInfra.databaseUrl, [opts.schema]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
