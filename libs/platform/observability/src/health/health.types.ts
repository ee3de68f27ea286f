/** Mirrors the OpenAPI HealthStatus enum. */
export type HealthStatus = 'ok' | 'degraded' | 'critical' | 'unknown';

export type HealthMetricValue = number | string | boolean;

export interface HealthIssue {
  code: string;
  severity: 'info' | 'warning' | 'error';
  summary: string;
  details?: string;
}

/** What one indicator reports about its component right now. */
export interface ComponentHealth {
  status: HealthStatus;
  /** Overrides the indicator's static description when set. */
  description?: string;
  metrics?: Record<string, HealthMetricValue>;
  issues?: HealthIssue[];
}

/**
 * One checkable component (database, object storage, Kafka, the process itself). `check()` should be
 * cheap and must not hang: the health service still cuts it off after a timeout.
 */
export interface HealthIndicator {
  readonly id: string;
  readonly displayName: string;
  readonly description?: string;
  check(): Promise<ComponentHealth>;
}

export interface HealthTimelineEntry {
  bucket: string;
  value: number;
  unit?: string;
}

/** OpenAPI HealthComponentDetail. */
export interface HealthComponentDetail {
  id: string;
  display_name?: string;
  status: HealthStatus;
  observed_at: string;
  description?: string;
  metrics?: Record<string, HealthMetricValue>;
  issues?: HealthIssue[];
  timeline?: HealthTimelineEntry[];
}

/** OpenAPI HealthComponentCollection. */
export interface HealthComponentCollection {
  components: HealthComponentDetail[];
  generated_at: string;
  window_minutes?: number;
}
