import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveServiceName } from './service-name';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { attachInMemorySpanExporter, attachSpanExporter, instrumentationNames, isTelemetryStarted, shutdownTelemetry, startTelemetry } from './telemetry';

afterAll(() => shutdownTelemetry());

describe('telemetry', () => {
  it('records real spans once a test attaches an in-memory exporter', async () => {
    startTelemetry({ serviceName: 'svc-under-test', instrument: false });
    expect(isTelemetryStarted()).toBe(true);
    expect(startTelemetry({ serviceName: 'ignored', instrument: false }).serviceName).toBe('svc-under-test');

    const { exporter, detach } = attachInMemorySpanExporter();
    const tracer = trace.getTracer('t');
    const carrier: Record<string, string> = {};
    tracer.startActiveSpan('producer', (span) => {
      propagation.inject(context.active(), carrier);
      span.end();
    });
    // W3C trace context travels through a plain header map, as on Kafka headers.
    expect(carrier['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const parent = propagation.extract(context.active(), carrier);
    tracer.startSpan('consumer', {}, parent).end();

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['producer', 'consumer']);
    expect(spans[1]!.spanContext().traceId).toBe(spans[0]!.spanContext().traceId);
    expect(spans[0]!.resource.attributes['service.name']).toBe('svc-under-test');

    await detach();
  });

  it('gives spans real trace ids but records nothing while no exporter receives them', async () => {
    startTelemetry({ serviceName: 'svc-under-test', instrument: false });
    const tracer = trace.getTracer('t');
    const carrier: Record<string, string> = {};
    tracer.startActiveSpan('unexported', (span) => {
      expect(span.isRecording()).toBe(false);
      expect(span.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      propagation.inject(context.active(), carrier);
      span.end();
    });
    // The trace still propagates (not sampled: nobody downstream needs to record it either).
    expect(carrier['traceparent']).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    const { exporter, detach } = attachInMemorySpanExporter();
    tracer.startActiveSpan('exported', (span) => {
      expect(span.isRecording()).toBe(true);
      span.end();
    });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['exported']);
    await detach();
  });

  it('stops feeding an exporter once detached', async () => {
    startTelemetry({ serviceName: 'svc-under-test', instrument: false });
    const seen: string[] = [];
    const exporter = new InMemorySpanExporter();
    const original = exporter.export.bind(exporter);
    exporter.export = (spans, done) => {
      seen.push(...spans.map((s) => s.name));
      original(spans, done);
    };
    const detach = attachSpanExporter(exporter);
    trace.getTracer('t').startSpan('before-detach').end();
    await detach();
    trace.getTracer('t').startSpan('after-detach').end();
    expect(seen).toEqual(['before-detach']);
  });

  it('resolves the service name from env, then the apps/<name> path', () => {
    expect(resolveServiceName({ OTEL_SERVICE_NAME: 'x' }, ['node', '/a/apps/gateway/main.js'])).toBe('x');
    expect(resolveServiceName({}, ['node', '/srv/dist/apps/ingest/main.js'])).toBe('ingest');
    expect(resolveServiceName({}, ['node', '/srv/tool/worker.js'])).toBe('worker');
    expect(resolveServiceName({}, ['node'])).toBe('modelguard');
  });

  it('instruments what carries a trace without an exporter, everything with one, or exactly what is listed', () => {
    expect(instrumentationNames(false, {})).toEqual(['http', 'kafkajs']);
    expect(instrumentationNames(true, {})).toEqual(['http', 'express', 'nestjs-core', 'pg', 'kafkajs', 'ioredis']);
    expect(instrumentationNames(false, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: ' pg,express ,,mysql' })).toEqual(['express', 'pg']);
    expect(instrumentationNames(true, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: ' , ' })).toHaveLength(6);
  });
});
