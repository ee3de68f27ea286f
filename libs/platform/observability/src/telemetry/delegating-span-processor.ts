import type { Context } from '@opentelemetry/api';
import { type ReadableSpan, type Span, type SpanExporter, type SpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * A span processor whose delegates can change after the SDK has started. The NodeSDK fixes its
 * processors at start(), but `register.ts` starts it before any test code runs; this lets a test
 * attach an in-memory exporter later. It also guarantees at least one processor exists, so the SDK
 * installs a real TracerProvider (real trace ids for logs and message headers) even with no exporter.
 */
export class DelegatingSpanProcessor implements SpanProcessor {
  private delegates: SpanProcessor[] = [];

  add(processor: SpanProcessor): () => Promise<void> {
    this.delegates = [...this.delegates, processor];
    return async () => {
      this.delegates = this.delegates.filter((p) => p !== processor);
      await processor.shutdown();
    };
  }

  /** Whether any processor receives spans (RecordWhileExportingSampler records spans only then). */
  hasDelegates(): boolean {
    return this.delegates.length > 0;
  }

  /** Exports each span synchronously on end (suited to in-memory test exporters). */
  addExporter(exporter: SpanExporter): () => Promise<void> {
    return this.add(new SimpleSpanProcessor(exporter));
  }

  onStart(span: Span, parentContext: Context): void {
    for (const p of this.delegates) p.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    for (const p of this.delegates) p.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.delegates.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    const current = this.delegates;
    this.delegates = [];
    await Promise.all(current.map((p) => p.shutdown()));
  }
}
