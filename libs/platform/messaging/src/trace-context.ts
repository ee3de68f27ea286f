import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('@modelguard/messaging');

/**
 * W3C trace context of the current span as headers. Captured when the outbox row is written (inside the
 * HTTP request's span), so the trace continues across the relay, the broker and the consumer.
 */
export function captureTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `fn` in a CONSUMER span whose parent is the trace context carried in `headers`. */
export function runInExtractedContext<T>(
  headers: Record<string, string>,
  spanName: string,
  attributes: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  return context.with(parent, () =>
    tracer.startActiveSpan(spanName, { kind: SpanKind.CONSUMER, attributes }, async (span) => {
      try {
        return await fn();
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    }),
  );
}
