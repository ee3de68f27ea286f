import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleSum } from './parse-prometheus-text';
import { ServiceMetrics } from './service-metrics';

describe('parsePrometheusText', () => {
  it('reads samples with escaped label values, infinities and timestamps, skipping comments', () => {
    const text = [
      '# HELP x_total things',
      '# TYPE x_total counter',
      'x_total{route="/a/:id",note="say \\"hi\\"\\nback\\\\slash"} 3',
      'h_bucket{le="+Inf"} 7 1700000000000',
      'g -Inf',
      '',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'x_total', labels: { route: '/a/:id', note: 'say "hi"\nback\\slash' }, value: 3 },
      { name: 'h_bucket', labels: { le: '+Inf' }, value: 7 },
      { name: 'g', labels: {}, value: -Infinity },
    ]);
  });

  it('refuses a line that is not a sample instead of skipping it', () => {
    expect(() => parsePrometheusText('x_total{route="/a"')).toThrow(/not a Prometheus sample line/);
    expect(() => parsePrometheusText('x_total abc')).toThrow(/bad sample value/);
  });

  it('round-trips what ServiceMetrics exposes, with the service label on every series', async () => {
    const metrics = new ServiceMetrics('probe');
    metrics.httpRequests.inc({ method: 'GET', route: '/health/live', status: '200' }, 2);
    metrics.httpDuration.observe({ method: 'GET', route: '/health/live', status: '200' }, 0.02);
    // The same name twice returns the first metric rather than throwing "already registered".
    expect(metrics.counter({ name: 'modelguard_http_requests_total', help: 'x', labelNames: ['method', 'route', 'status'] })).toBe(metrics.httpRequests);
    const samples = parsePrometheusText(await metrics.text());
    expect(sampleSum(samples, 'modelguard_http_requests_total', { route: '/health/live', service: 'probe' })).toBe(2);
    expect(sampleSum(samples, 'modelguard_http_request_duration_seconds_bucket', { le: '0.025' })).toBe(1);
    expect(sampleSum(samples, 'modelguard_http_request_duration_seconds_bucket', { le: '0.01' })).toBe(0);
    expect(samples.filter((s) => s.name.startsWith('modelguard_')).every((s) => s.labels['service'] === 'probe')).toBe(true);
  });
});
