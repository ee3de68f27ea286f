// Telemetry (the side-effect starter is '@modelguard/observability/register').
export { attachInMemorySpanExporter, attachSpanExporter, isTelemetryStarted, shutdownTelemetry, startTelemetry } from './telemetry/telemetry';
export type { TelemetryOptions } from './telemetry/telemetry';
export { resolveServiceName } from './telemetry/service-name';
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

// Logging.
export { createLogger, isLevel } from './logging/logger';
export type { Logger, LoggerOptions, LogSink } from './logging/logger';
export type { Level as LogLevel, LogFields } from './logging/log-record';
export { JsonNestLogger, type JsonNestLoggerOptions, NEST_STARTUP_CONTEXTS } from './logging/json-nest-logger';
export { SERVICE_LOGGER, ServiceLoggerModule } from './logging/service-logger.module';
export { RECENT_LOG_CAPACITY, recentLogs, type RecentLogLine, type RecentLogQuery } from './logging/recent-logs';

// Metrics (Prometheus, served at /metrics by HealthModule's MetricsModule).
export { guardedCollect, SERVICE_METRICS, ServiceMetrics } from './metrics/service-metrics';
export { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
export { MetricsModule } from './metrics/metrics.module';
export { parsePrometheusText, sampleSum, type PromSample } from './metrics/parse-prometheus-text';

// Health.
export { HealthModule } from './health/health.module';
export type { HealthModuleForRootOptions } from './health/health.module';
export { DEFAULT_READINESS_COMPONENTS, HealthService } from './health/health.service';
export type { CheckedComponent, HealthModuleOptions } from './health/health.service';
export { HEALTH_INDICATORS, provideHealthIndicator } from './health/health-indicator.provider';
export type { HealthIndicatorRegistry, HealthIndicatorSource } from './health/health-indicator.provider';
export { ProcessHealthIndicator } from './health/process.health-indicator';
export type {
  ComponentHealth,
  HealthComponentCollection,
  HealthComponentDetail,
  HealthIndicator,
  HealthIssue,
  HealthMetricValue,
  HealthStatus,
  HealthTimelineEntry,
} from './health/health.types';
