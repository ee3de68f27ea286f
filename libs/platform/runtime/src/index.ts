export { bootstrapService, type BootstrapOptions, type RunningService } from './bootstrap-service';
export { ServicePlatformModule, type ServicePlatformOptions } from './service-platform.module';
// Types only: importing './run' itself registers telemetry, which only a main may do (`@modelguard/runtime/run`).
export type { ServiceEntry, StartedProcess } from './run';
