import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HEALTH_INDICATORS, provideHealthIndicator } from './health-indicator.provider';
import { HealthController } from './health.controller';
import { HEALTH_MODULE_OPTIONS, type HealthModuleOptions, HealthService } from './health.service';
import { ProcessHealthIndicator } from './process.health-indicator';
import { MetricsModule } from '../metrics/metrics.module';

export interface HealthModuleForRootOptions extends HealthModuleOptions {
  /** Shown in the process component's metrics. */
  serviceName?: string;
}

/**
 * Serves GET /health, /health/live, /health/ready, /health/components and (MetricsModule) /metrics. Import once per app (the gateway, and each service
 * for its own probes). Other modules contribute indicators with `provideHealthIndicator(...)`.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleForRootOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      // /metrics comes with /health: every app that serves probes is scraped on the same port.
      imports: [DiscoveryModule, MetricsModule.forRoot(options.serviceName ?? 'modelguard')],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_MODULE_OPTIONS, useValue: options },
        HealthService,
        { provide: HEALTH_INDICATORS, useExisting: HealthService },
        provideHealthIndicator({ useValue: new ProcessHealthIndicator(options.serviceName) }),
      ],
      exports: [HealthService, HEALTH_INDICATORS],
    };
  }
}
