import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { Registry } from 'prom-client';
import { SERVICE_METRICS, type ServiceMetrics } from './service-metrics';

interface Sendable {
  type(contentType: string): unknown;
  send(body: string): unknown;
}

/** GET /metrics in the Prometheus text format, beside /health on the same port (see deploy/k8s NetworkPolicies). */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Sendable): Promise<void> {
    const text = await this.metrics.text();
    res.type(Registry.PROMETHEUS_CONTENT_TYPE);
    res.send(text);
  }
}
