import { ALL_TOPICS, dltTopicOf } from '@modelguard/contracts';
import { LineageModule } from '@modelguard/lineage-feature';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createKafkaTopics, createTestSchemaName, dropSchemas, expectEventually, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from './tcp-proxy';

/**
 * Probes that mean what they say, on a real service (lineage) over real PostgreSQL and Kafka, each reached through
 * a TCP relay the test can take away: readiness turns 503 while the database or the broker refuses connections and
 * 200 again once they are back, without a restart; liveness stays 200 throughout.
 */
describe('liveness and readiness (real PostgreSQL and Kafka behind a relay)', () => {
  const schema = createTestSchemaName('ready');
  const run = uniqueSuffix();
  const db = new URL(testInfra.databaseUrl);
  const [kafkaHost, kafkaPort] = testInfra.kafkaBrokers[0]!.split(':');
  const pgProxy = new TcpProxy(db.hostname, Number(db.port || 5432));
  const kafkaProxy = new TcpProxy(kafkaHost!, Number(kafkaPort));
  let running: RunningService;

  const probe = async (path: string) => {
    const res = await fetch(`${running.url}${path}`);
    return { status: res.status, body: (await res.json()) as { status: string; components?: { id: string; status: string }[] } };
  };

  beforeAll(async () => {
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    await pgProxy.accept();
    await kafkaProxy.accept();
    const viaProxy = new URL(testInfra.databaseUrl);
    viaProxy.host = `127.0.0.1:${pgProxy.port}`;
    running = await bootstrapService({
      service: 'lineage',
      module: LineageModule.forService({ schema }),
      env: serviceTestEnv({
        DATABASE_URL: viaProxy.toString(),
        MESSAGING_TRANSPORT: 'kafka',
        KAFKA_BROKERS: `127.0.0.1:${kafkaProxy.port}`,
        KAFKA_CLIENT_ID: `ready-${run}`,
      }),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
  });

  afterAll(async () => {
    await running?.close();
    await pgProxy.refuse();
    await kafkaProxy.refuse();
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  it('is live and ready when the database and the broker answer', async () => {
    await expectEventually(async () => expect((await probe('/health/ready')).status).toBe(200), { timeoutMs: 30_000, intervalMs: 250 });
    const ready = await probe('/health/ready');
    expect(ready.body.components?.map((c) => c.id).sort()).toEqual(['kafka', 'kafka-broker', 'postgres', 'shutdown']);
    expect((await probe('/health/live')).status).toBe(200);
  });

  it('stops being ready while the database refuses connections, stays live, and recovers without a restart', async () => {
    await pgProxy.refuse();
    const down = await expectEventually(
      async () => {
        const r = await probe('/health/ready');
        expect(r.status).toBe(503);
        return r;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(down.body.components?.find((c) => c.id === 'postgres')?.status).toBe('critical');
    expect((await probe('/health/live')).status).toBe(200);

    await pgProxy.accept(); // same port: the pool's next connection succeeds
    await expectEventually(async () => expect((await probe('/health/ready')).status).toBe(200), { timeoutMs: 60_000, intervalMs: 250 });
  });

  it('stops being ready while the broker refuses connections, stays live, and recovers without a restart', async () => {
    await kafkaProxy.refuse();
    const down = await expectEventually(
      async () => {
        const r = await probe('/health/ready');
        expect(r.status).toBe(503);
        return r;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(down.body.components?.find((c) => c.id === 'kafka-broker')?.status).toBe('critical');
    expect((await probe('/health/live')).status).toBe(200);

    await kafkaProxy.accept();
    await expectEventually(async () => expect((await probe('/health/ready')).status).toBe(200), { timeoutMs: 60_000, intervalMs: 250 });
  });
});
