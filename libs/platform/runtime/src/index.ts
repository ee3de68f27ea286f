export { bootstrapService, type BootstrapOptions, type RunningService } from './bootstrap-service';
export { ServicePlatformModule, type ServicePlatformOptions } from './service-platform.module';
