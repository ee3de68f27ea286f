/**
 * Structural copy of @modelguard/observability's HealthIndicator, so the platform libs do not depend on
 * the observability lib's internals; HealthModule accepts any object of this shape.
 */
export interface HealthCheckResult {
  status: 'ok' | 'degraded' | 'critical' | 'unknown';
  description?: string;
  metrics?: Record<string, number | string | boolean>;
}

export interface HealthIndicatorLike {
  readonly id: string;
  readonly displayName: string;
  check(): Promise<HealthCheckResult>;
}
