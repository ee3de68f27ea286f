import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/** Injection token of the application's ServiceMetrics (one per Nest application, so per service). */
export const SERVICE_METRICS = Symbol.for('modelguard.SERVICE_METRICS');

/** Request latency buckets (seconds): from cache hits to large uploads. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/**
 * One service's Prometheus metrics, served at /metrics. Each application owns its registry (the embedded app runs
 * several services in one process; a global registry would mix their series), and every series carries the
 * `service` label. Feature code adds its own metrics with counter()/gauge()/histogram(); asking twice for one
 * name returns the first, so a module instantiated twice does not throw "already registered".
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(readonly serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    // Process CPU, resident memory, heap, event-loop lag, GC: prefixed so they sort with ours.
    collectDefaultMetrics({ register: this.registry, prefix: 'modelguard_' });
    this.httpRequests = this.counter({
      name: 'modelguard_http_requests_total',
      help: 'HTTP requests answered, by route template (never the raw URL) and status code',
      labelNames: ['method', 'route', 'status'],
    });
    this.httpDuration = this.histogram({
      name: 'modelguard_http_request_duration_seconds',
      help: 'HTTP request latency, from the first byte read to the last byte written, by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
    });
  }

  counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
    return (this.registry.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter({ ...config, registers: [this.registry] });
  }

  gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
    return (this.registry.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
    return (this.registry.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram({ ...config, registers: [this.registry] });
  }

  /** The exposition text; a collect callback that fails drops only its own metric (see guardedCollect). */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * Wraps a gauge's collect so a slow or failing source (database down, broker gone) cannot fail or stall the whole
 * scrape: it gets `timeoutMs`, and on failure the gauge keeps its last values.
 */
export function guardedCollect(fn: () => Promise<void>, timeoutMs = 2_000): () => Promise<void> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([fn().catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
