import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * Records spans only while something will receive them (an OTLP exporter, or a test's in-memory one). Without a
 * receiver every span is non-recording: it still gets a real trace and span id, so logs carry trace ids and
 * `traceparent` travels on HTTP and Kafka headers, but no span object, attribute or event is built. Measured on the
 * standalone gateway under 14 concurrent `/rate` calls: recording spans nobody exports cost about a third of the
 * request (bench/scoring/README.md).
 */
export class RecordWhileExportingSampler implements Sampler {
  constructor(private readonly exporting: () => boolean) {}

  shouldSample(_context: Context, _traceId: string, _name: string, _kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    return { decision: this.exporting() ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return 'RecordWhileExportingSampler';
  }
}
