import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from './logger';

/**
 * DI token of the service's own logger: `constructor(@Inject(SERVICE_LOGGER) logger: Logger)`, then
 * `logger.child({ context: 'ScanJobProcessor' })`. Every line carries the name of the service whose
 * application injected it, which Nest's static `Logger` cannot do when several services share a process
 * (embedded mode): that one reports whichever service booted last.
 */
export const SERVICE_LOGGER = Symbol.for('modelguard.SERVICE_LOGGER');

/** Global within one Nest application: bootstrapService registers the service's logger here. */
@Global()
@Module({})
export class ServiceLoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: ServiceLoggerModule, global: true, providers: [{ provide: SERVICE_LOGGER, useValue: logger }], exports: [SERVICE_LOGGER] };
  }
}
