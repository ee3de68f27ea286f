import { type DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { SERVICE_METRICS, ServiceMetrics } from './service-metrics';

/**
 * Serves /metrics and provides SERVICE_METRICS to the whole application (global), so feature modules add their
 * own series without importing this module. Imported by HealthModule: wherever health is served, metrics are too.
 */
@Module({})
export class MetricsModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: SERVICE_METRICS, useFactory: () => new ServiceMetrics(serviceName) }],
      exports: [SERVICE_METRICS],
    };
  }
}
