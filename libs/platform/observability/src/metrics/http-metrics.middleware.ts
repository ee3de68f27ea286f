import type { ServiceMetrics } from './service-metrics';

/** The Express request/response fields the middleware reads (kept structural: no express types dependency). */
interface RequestLike {
  method: string;
  baseUrl?: string;
  route?: { path?: unknown };
}
interface ResponseLike {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/**
 * Counts and times every HTTP request by its ROUTE TEMPLATE (`/artifacts/:artifact_type/:id`), read from Express
 * once routing is done; a request no route matched is `unmatched`. Raw URLs would give every artifact id its own
 * series, which is how a metrics endpoint exhausts Prometheus's memory.
 */
export function httpMetricsMiddleware(metrics: ServiceMetrics) {
  return (req: RequestLike, res: ResponseLike, next: () => void): void => {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const path = typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      const labels = { method: req.method, route: path, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    // 'finish' when the response was sent; 'close' also when the client went away first.
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
