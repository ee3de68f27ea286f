import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { envDetector, processDetector } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { DelegatingSpanProcessor } from './delegating-span-processor';
import { RecordWhileExportingSampler } from './record-while-exporting.sampler';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (e.g. http://collector:4318); traces go to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string;
  /** Patch http/express/nest/pg/kafkajs/ioredis. Default true; tests of pure logic may turn it off. */
  instrument?: boolean;
}

interface TelemetryState {
  sdk: NodeSDK;
  processor: DelegatingSpanProcessor;
  serviceName: string;
}

let state: TelemetryState | null = null;

/**
 * Starts the OpenTelemetry SDK once per process. Safe to call again: later calls return the running
 * instance (register.ts and a test may both call it). Every span gets real trace ids, so they reach logs and
 * `traceparent` headers; spans are only *recorded* while an exporter receives them (an OTLP endpoint, or an
 * exporter a test attaches), see RecordWhileExportingSampler.
 */
export function startTelemetry(opts: TelemetryOptions): { serviceName: string } {
  if (state) return { serviceName: state.serviceName };
  if (process.env['OTEL_LOG_LEVEL'] === undefined) {
    // Surface SDK export failures once as warnings instead of silently dropping them.
    diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  }
  const processor = new DelegatingSpanProcessor();
  if (opts.otlpEndpoint) {
    const url = `${opts.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    processor.add(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    spanProcessors: [processor],
    sampler: new RecordWhileExportingSampler(() => processor.hasDelegates()),
    // Explicit empty lists stop the SDK from configuring OTLP metrics/log exporters from env defaults.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    resourceDetectors: [envDetector, processDetector],
    instrumentations: opts.instrument === false ? [] : createInstrumentations(),
  });
  sdk.start();
  state = { sdk, processor, serviceName: opts.serviceName };
  return { serviceName: opts.serviceName };
}

/** Flushes and stops the SDK; a no-op when it was never started. */
export async function shutdownTelemetry(): Promise<void> {
  const current = state;
  state = null;
  if (current) await current.sdk.shutdown();
  // The SDK leaves its provider, propagator and context manager registered as the API's globals, and the API
  // refuses a second registration: without this, telemetry started again in the same process (tests sharing a
  // worker, an app restarted in-process) would keep feeding the shut-down provider.
  trace.disable();
  propagation.disable();
  context.disable();
}

export function isTelemetryStarted(): boolean {
  return state !== null;
}

/**
 * Test hook: routes every span ended from now on to `exporter` too (in addition to the OTLP
 * exporter, if any). Returns a detach function. Starts telemetry if nothing did yet.
 */
export function attachSpanExporter(exporter: SpanExporter): () => Promise<void> {
  if (!state) startTelemetry({ serviceName: process.env['OTEL_SERVICE_NAME'] ?? 'modelguard-test' });
  return (state as TelemetryState).processor.addExporter(exporter);
}

/** Convenience for tests: `const spans = attachInMemorySpanExporter(); ... spans.exporter.getFinishedSpans()`. */
export function attachInMemorySpanExporter(): { exporter: InMemorySpanExporter; detach: () => Promise<void> } {
  const exporter = new InMemorySpanExporter();
  return { exporter, detach: attachSpanExporter(exporter) };
}

function createInstrumentations() {
  return [
    new HttpInstrumentation({
      // Health probes would otherwise flood the trace backend with one span per probe.
      ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/health'),
    }),
    new ExpressInstrumentation(),
    new NestInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true }),
    new KafkaJsInstrumentation(),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
}
