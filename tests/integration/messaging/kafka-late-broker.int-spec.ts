import { ALL_TOPICS, dltTopicOf, Topic } from '@modelguard/contracts';
import { Outbox } from '@modelguard/messaging';
import { DATA_SOURCE } from '@modelguard/persistence';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import {
  createKafkaTopics,
  createTestSchemaName,
  dropSchemas,
  expectEventually,
  freePort,
  queryRows,
  serviceTestEnv,
  testInfra,
  uniqueSuffix,
} from '@modelguard/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../observability/tcp-proxy';
import { created } from './messaging-scenarios';
import { probeServiceModule, probeState } from './probe-service.module';

interface ReadyBody {
  components: Array<{ id: string; status: string; description?: string }>;
}

/**
 * Start-up order does not matter: a service whose only bootstrap broker address has nothing listening yet starts
 * anyway, answers readiness 503 naming Kafka, and becomes ready and consumes once the address leads to the broker.
 * The address is a TCP relay on loopback that is not listening at first (connections refused) and later forwards
 * to the dev broker (which then advertises its own address to the client, as a real broker would).
 */
describe('start-up without a broker: ready and consuming once it appears (real Kafka)', () => {
  const schema = createTestSchemaName('msg_late');
  const service = `probe-late-${uniqueSuffix()}`;
  const [brokerHost, brokerPort] = (testInfra.kafkaBrokers[0] ?? '127.0.0.1:19092').split(':');
  const broker = new TcpProxy(brokerHost ?? '127.0.0.1', Number(brokerPort));
  let running: RunningService | undefined;

  beforeAll(async () => {
    probeState.prefix = `late${uniqueSuffix()}-`;
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
  });

  afterAll(async () => {
    await running?.close().catch(() => undefined);
    await broker.refuse();
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  it('starts, reports Kafka not ready, then becomes ready and consumes when the broker appears', { timeout: 120_000 }, async () => {
    // The address is chosen now, but nothing listens on it until the proxy accepts.
    const port = await freePort();
    broker.port = port;
    const t0 = Date.now();
    running = await bootstrapService({
      service,
      module: probeServiceModule(service, schema),
      env: serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: service, KAFKA_BROKERS: `127.0.0.1:${port}` }),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    const url = running.url;

    // Alive, but not ready, and readiness says why: the broker and the consumer waiting for it.
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const notReady = await expectEventually(async () => {
      const res = await fetch(`${url}/health/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as ReadyBody;
      expect(body.components).toContainEqual(expect.objectContaining({ id: 'kafka-broker', status: 'critical' }));
      expect(body.components).toContainEqual(expect.objectContaining({ id: 'kafka', status: 'critical' }));
      return body;
    });
    expect(notReady.components.find((c) => c.id === 'kafka')?.description).toMatch(/no Kafka broker answers/);

    // An event committed while no broker answers waits in the outbox.
    const id = `${probeState.prefix}early`;
    const app = running.app;
    await app.get<DataSource>(DATA_SOURCE, { strict: false }).transaction((m) => app.get(Outbox, { strict: false }).enqueue(m, Topic.ArtifactCreated, created(id), { key: id }));

    // Nothing listens for 12 s: past the consumer's first start (kafkajs gives up after ~9 s of its own retries), so
    // the ConsumerRestarter's backoff, not kafkajs, is what brings the consumer up.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 12_000 - (Date.now() - t0))));
    expect((await fetch(`${url}/health/ready`)).status).toBe(503);

    // The broker "appears" on the configured address.
    await broker.accept();
    const appeared = Date.now();

    await expectEventually(async () => expect((await fetch(`${url}/health/ready`)).status).toBe(200), { timeoutMs: 60_000, intervalMs: 250 });
    const readyAfterMs = Date.now() - appeared;
    expect(readyAfterMs).toBeLessThan(15_000);
    // The event that waited is relayed and consumed, once.
    await expectEventually(
      async () => {
        const rows = await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."effect" WHERE artifact_id = $1`, [id]);
        expect(rows[0].n).toBe(1);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    process.stdout.write(`late broker: ready ${readyAfterMs} ms after the broker appeared\n`);
  });
});
