import { connect, type Socket } from 'node:net';
import { ALL_TOPICS, dltTopicOf, Topic } from '@modelguard/contracts';
import { Outbox } from '@modelguard/messaging';
import { DATA_SOURCE } from '@modelguard/persistence';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createKafkaTopics, createTestSchemaName, dropSchemas, expectEventually, queryRows, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { created } from './messaging-scenarios';
import { probeServiceModule, probeState } from './probe-service.module';
import { SLOW_CHUNK_BYTES, SlowDownloadController } from './slow-download.controller';

/**
 * SIGTERM's ordered shutdown (RunningService.close is what the signal handler runs), over real Kafka and Postgres:
 * readiness 503 at once, no new connections, in-flight requests finish within SHUTDOWN_GRACE_MS (and are cut
 * after it), and events committed just before or during the drain are on the topic when the process is gone and
 * applied exactly once across the restart (whichever side of it consumes them).
 */
describe('graceful shutdown: drain HTTP, then consumer, jobs and outbox (real Kafka)', () => {
  const schema = createTestSchemaName('msg_drain');
  const service = `probe-drain-${uniqueSuffix()}`;
  const running: RunningService[] = [];

  const start = async (overrides: Record<string, string> = {}) => {
    const started = await bootstrapService({
      service,
      module: probeServiceModule(service, schema, [SlowDownloadController]),
      env: serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: service, ...overrides }),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    running.push(started);
    return started;
  };
  const effects = (artifactId: string) =>
    queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."effect" WHERE artifact_id = $1`, [artifactId]);

  beforeAll(async () => {
    probeState.prefix = `drain${uniqueSuffix()}-`;
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
  });

  afterAll(async () => {
    for (const r of running) await r.close().catch(() => undefined);
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  it('finishes the in-flight download, refuses new connections, answers readiness 503 and loses no event', async () => {
    const first = await start();
    const before = `${probeState.prefix}before`;
    const during = `${probeState.prefix}during`;

    // 24 × 64 KiB over ~2.4 s, committing the `during` event at its end, i.e. while the shutdown drains it.
    const download = fetch(`${first.url}/slow?chunks=24&everyMs=100&event=${during}`).then(async (res) => ({ status: res.status, bytes: (await res.arrayBuffer()).byteLength }));
    // A second connection mid-response, to send a pipelined request once the drain has begun.
    const probe = await openPipelinedProbe(first.url, '/slow?chunks=4&everyMs=300');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // An event committed just before the shutdown.
    const outbox = first.app.get(Outbox, { strict: false });
    await first.app
      .get<DataSource>(DATA_SOURCE, { strict: false })
      .transaction((m) => outbox.enqueue(m, Topic.ArtifactCreated, created(before), { key: before }));

    const t0 = Date.now();
    const closing = first.close();
    // The port stopped accepting at once ...
    await expect(fetch(`${first.url}/health/live`)).rejects.toThrow();
    // ... and a request that still reaches the service (on a connection it was serving) is told it is not ready.
    const pipelined = await probe.send('/health/ready');
    expect(pipelined.statuses).toEqual([200, 503]);
    expect(pipelined.text).toMatch(/"id":"shutdown","status":"critical"/);

    const finished = await download;
    expect(finished).toEqual({ status: 200, bytes: 24 * SLOW_CHUNK_BYTES });
    await closing;
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The relay's last flush published what the drained request committed.
    const unpublished = await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."outbox" WHERE published_at IS NULL`);
    expect(unpublished[0].n).toBe(0);

    // With the restarted service (same consumer group) both events are applied, each exactly once.
    await start();
    await expectEventually(async () => {
      expect((await effects(before))[0].n).toBe(1);
      expect((await effects(during))[0].n).toBe(1);
    }, { timeoutMs: 30_000, intervalMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([(await effects(before))[0].n, (await effects(during))[0].n]).toEqual([1, 1]);
  });

  it('cuts a request that outlasts SHUTDOWN_GRACE_MS instead of waiting for it', async () => {
    const short = await start({ SHUTDOWN_GRACE_MS: '500' });
    const download = fetch(`${short.url}/slow?chunks=100&everyMs=100`)
      .then((res) => res.arrayBuffer())
      .then(
        (body) => body.byteLength,
        (error: unknown) => error,
      );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const t0 = Date.now();
    await short.close();
    expect(Date.now() - t0).toBeLessThan(5_000);
    const outcome = await download;
    // Cut mid-body: the client sees a failed read, never a silently short file.
    expect(outcome).toBeInstanceOf(Error);
  });
});

/** A raw HTTP/1.1 connection that starts a slow request now and can pipeline a second one later. */
async function openPipelinedProbe(baseUrl: string, firstPath: string): Promise<{ send(path: string): Promise<{ statuses: number[]; text: string }> }> {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`GET ${firstPath} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
  await expectEventually(() => expect(text).toContain('HTTP/1.1 200'));
  return {
    async send(path: string) {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      await ended;
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      return { statuses, text };
    },
  };
}
