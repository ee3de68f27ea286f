import type { DownloadWorkloadResult } from '@modelguard/loadgen';
import type { WorkloadRequest } from './workload-request';

export type RunStatus = 'seeding' | 'running' | 'succeeded' | 'failed';

/** One run of the performance workload, kept in this gateway process's memory (the newest few). */
export interface WorkloadRun {
  id: string;
  status: RunStatus;
  request: WorkloadRequest;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  registrySize: number | null;
  seeded: number;
  completed: number;
  result: DownloadWorkloadResult | null;
  error: string | null;
}

/** Rounds for JSON; NaN (no successful download) becomes null rather than a number JSON cannot carry. */
const round = (n: number, digits = 3): number | null => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

/** The snake_case view `GET /performance-workload/{run_id}` answers (openapi/modelguard-extensions). */
export function runView(run: WorkloadRun): Record<string, unknown> {
  const r = run.result;
  return {
    run_id: run.id,
    status: run.status,
    started_by: run.startedBy,
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
    parameters: {
      artifact_id: run.request.artifactId,
      clients: run.request.clients,
      downloads_per_client: run.request.downloadsPerClient,
      registry_size: run.request.registrySize,
    },
    registry: { artifacts: run.registrySize, seeded: run.seeded },
    progress: { completed: run.completed, total: run.request.clients * run.request.downloadsPerClient },
    error: run.error,
    results:
      r === null
        ? null
        : {
            requests: r.attempted,
            downloads: r.succeeded,
            error_count: r.attempted - r.succeeded,
            errors: r.errors,
            bytes: r.bytes,
            wall_seconds: round(r.wallMs / 1000),
            throughput_mib_per_s: round(r.throughputMiBps),
            latency_ms: { mean: round(r.latency.mean), median: round(r.latency.p50), p99: round(r.latency.p99), max: round(r.latency.max) },
            series: r.series.map((b) => ({ second: b.second, downloads: b.downloads, bytes: b.bytes, mib_per_s: round(b.bytes / (1024 * 1024)) })),
          },
  };
}
