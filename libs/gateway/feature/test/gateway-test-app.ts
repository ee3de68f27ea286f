import type { PayloadOf, TopicName } from '@modelguard/contracts';
import { InProcessBroker, Outbox } from '@modelguard/messaging';
import { runInTransaction } from '@modelguard/persistence';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, expectEventually, serviceTestEnv, testInfra } from '@modelguard/testing';
import { Module } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { expect } from 'vitest';
import { FsBlobStore } from '@modelguard/storage';
import { GatewayFeatureModule, type GatewayModuleOptions } from '../src/gateway.module';
import { ContractClient } from './contract-client';
import { FakeIngestHandler } from './fake-ingest.handler';

export interface GatewayTestApp {
  service: RunningService;
  client: ContractClient;
  dataSource: DataSource;
  broker: InProcessBroker;
  schema: string;
  /** Publishes an event as if another service had (real outbox → relay → broker path); resolves once handled. */
  publish<T extends TopicName>(topic: T, payload: PayloadOf<T>, key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots the real GatewayFeatureModule on real Postgres (unique schema) with the in-process broker and port 0. No
 * scoring service runs here, so the ingest gate is off unless a test turns it on (and publishes the ratings itself).
 */
export interface GatewayTestAppOptions {
  gateway?: GatewayModuleOptions['gateway'];
  env?: Record<string, string>;
  /** Injected wall clock (token expiry, sign-in windows). */
  clock?: GatewayModuleOptions['clock'];
  /** Boot on an existing schema (a restart of an earlier app that was closed with `keepSchema`). */
  schema?: string;
  /** Leave the schema in place on close, so a later app can restart on it (the caller drops it). */
  keepSchema?: boolean;
  /** Share a broker with other services booted by the test (the audit service, for refusals). */
  broker?: InProcessBroker;
  /** The blob store (default: a fresh FsBlobStore in the app's directory); the janitor tests pass an S3 one too. */
  blobStore?: GatewayModuleOptions['blobStore'];
}

export async function startGatewayTestApp(opts: GatewayTestAppOptions = {}): Promise<GatewayTestApp> {
  const schema = opts.schema ?? createTestSchemaName('gateway');
  const dir = await mkdtemp(join(tmpdir(), 'gateway-test-'));
  const blobStore = opts.blobStore ?? new FsBlobStore(join(dir, 'blobs'));
  const broker = opts.broker ?? new InProcessBroker();

  @Module({
    imports: [GatewayFeatureModule.forRoot({ schema, blobStore, clock: opts.clock, gateway: { ingestWaitMs: 8_000, tmpDir: join(dir, 'tmp'), ratingGate: false, ...opts.gateway } })],
    providers: [FakeIngestHandler],
  })
  class GatewayTestRootModule {}

  const service = await bootstrapService({
    service: 'gateway',
    module: GatewayTestRootModule,
    httpPort: 0,
    inProcessBroker: broker,
    env: serviceTestEnv({ DATA_DIR: dir, STORAGE_ROOT: join(dir, 'blobs'), PUBLIC_URL: 'http://registry.test', ...opts.env }),
    shutdownHooks: false,
    exitOnConfigError: false,
  });
  const dataSource = service.app.get(DataSource);
  const outbox = service.app.get(Outbox, { strict: false });
  return {
    service,
    client: new ContractClient(service.url),
    dataSource,
    broker,
    schema,
    publish: async (topic, payload, key) => {
      const envelope = await runInTransaction(dataSource, (m) => outbox.enqueue(m, topic, payload, { key }));
      // The relay publishes after commit, asynchronously: wait until the broker has the message, then until every
      // consumer (the gateway's handlers) has processed it.
      await expectEventually(() => {
        expect(broker.messages(topic).some((msg) => msg.headers['x-event-id'] === envelope.eventId)).toBe(true);
      });
      await broker.whenIdle();
    },
    close: async () => {
      await service.close();
      if (!opts.keepSchema) await dropSchemas(testInfra.databaseUrl, [schema]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
