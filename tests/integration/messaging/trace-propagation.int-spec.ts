import { trace } from '@opentelemetry/api';
import { ALL_TOPICS, dltTopicOf, Topic } from '@modelguard/contracts';
import { attachInMemorySpanExporter, startTelemetry } from '@modelguard/observability';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import {
  createKafkaTopics,
  createTestSchemaName,
  dropSchemas,
  expectEventually,
  queryRows,
  serviceTestEnv,
  testInfra,
  uniqueSuffix,
} from '@modelguard/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBroker, Outbox } from '@modelguard/messaging';
import { created } from './messaging-scenarios';
import { probeServiceModule, probeState } from './probe-service.module';

// The same scenario on both transports: on Kafka the traceparent travels in the record headers.
describe.each(['in-process', 'kafka'] as const)('trace context follows request → outbox → %s → consumer', (transport) => {
  const schema = createTestSchemaName('msg_trace');
  const service = `probe-${uniqueSuffix()}`;
  let running: RunningService;
  let spans: ReturnType<typeof attachInMemorySpanExporter>;

  beforeAll(async () => {
    startTelemetry({ serviceName: 'trace-test', instrument: false });
    spans = attachInMemorySpanExporter();
    probeState.prefix = `tr${uniqueSuffix()}-`;
    if (transport === 'kafka') await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    running = await bootstrapService({
      service,
      module: probeServiceModule(service, schema),
      ...(transport === 'in-process' ? { inProcessBroker: new InProcessBroker() } : {}),
      env: serviceTestEnv(transport === 'kafka' ? { MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: service } : {}),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
  });

  afterAll(async () => {
    await running?.close();
    await spans?.detach();
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  it('runs the handler in a consumer span that is a child of the span active at enqueue time', async () => {
    const outbox = running.app.get(Outbox, { strict: false });
    const dataSource = running.app.get(DataSource, { strict: false });
    const id = `${probeState.prefix}traced`;
    const requestSpan = await trace.getTracer('test').startActiveSpan('POST /artifact/model', async (span) => {
      await dataSource.transaction((m) => outbox.enqueue(m, Topic.ArtifactCreated, created(id), { key: id }));
      span.end();
      return span;
    });
    const { traceId, spanId } = requestSpan.spanContext();
    const [row] = await queryRows<{ headers: Record<string, string> }>(testInfra.databaseUrl, `SELECT headers FROM "${schema}".outbox WHERE key = $1`, [id]);
    expect(row.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-${spanId}-0[01]$`));
    const consumerSpan = await expectEventually(() => {
      const found = spans.exporter.getFinishedSpans().find((s) => s.name === `${Topic.ArtifactCreated} process` && s.spanContext().traceId === traceId);
      if (!found) throw new Error('no consumer span in the request trace yet');
      return found;
    });
    expect(consumerSpan.parentSpanContext?.spanId).toBe(spanId);
    expect(probeState.attempts.get(id)).toEqual([1]);
  });
});
