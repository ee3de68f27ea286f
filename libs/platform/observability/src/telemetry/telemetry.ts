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
  /**
   * Patch modules for tracing. Default true; tests of pure logic may turn it off. Which modules: see
   * instrumentationNames.
   */
  instrument?: boolean;
}

/** The instrumentations we ship, by the names OTEL_NODE_ENABLED_INSTRUMENTATIONS uses (package name sans prefix). */
export const INSTRUMENTATION_NAMES = ['http', 'express', 'nestjs-core', 'pg', 'kafkajs', 'ioredis'] as const;
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];
/**
 * What a process that exports nothing still needs: the HTTP server span gives each request the trace id its logs
 * carry and `traceparent` continues, and kafkajs carries that trace across the broker. The other four only add
 * child spans, which are dropped when nothing exports them, yet they wrap every Express layer, Nest handler and
 * query: about 0.3-0.5 ms of CPU per request, measured on lookups (bench/RESULTS.md, "OpenTelemetry: only
 * what a trace needs when nothing exports").
 */
const WITHOUT_EXPORTER: readonly InstrumentationName[] = ['http', 'kafkajs'];

/**
 * Every instrumentation when spans are exported from the start; the two that carry the trace otherwise.
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS (comma-separated, the OpenTelemetry Node convention) chooses explicitly, e.g.
 * for a process that will attach an exporter later and wants its query spans.
 */
export function instrumentationNames(exporting: boolean, env: NodeJS.ProcessEnv = process.env): InstrumentationName[] {
  const listed = (env['OTEL_NODE_ENABLED_INSTRUMENTATIONS'] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (listed.length > 0) return INSTRUMENTATION_NAMES.filter((name) => listed.includes(name));
  return exporting ? [...INSTRUMENTATION_NAMES] : [...WITHOUT_EXPORTER];
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
    instrumentations: opts.instrument === false ? [] : createInstrumentations(instrumentationNames(opts.otlpEndpoint !== undefined)),
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

function createInstrumentations(names: InstrumentationName[]) {
  const create = {
    http: () =>
      new HttpInstrumentation({
        // Health probes would otherwise flood the trace backend with one span per probe.
        ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/health'),
      }),
    express: () => new ExpressInstrumentation(),
    'nestjs-core': () => new NestInstrumentation(),
    pg: () => new PgInstrumentation({ requireParentSpan: true }),
    kafkajs: () => new KafkaJsInstrumentation(),
    ioredis: () => new IORedisInstrumentation({ requireParentSpan: true }),
  } satisfies Record<InstrumentationName, () => unknown>;
  return names.map((name) => create[name]());
}
