import { guardedCollect, type ServiceMetrics } from '@modelguard/observability';
import type { DataSource } from 'typeorm';
import type { Gauge, Histogram } from 'prom-client';
import { ScanJobStore } from '../persistence/scan-job.store';
import type { JobOutcome } from './scan-job.processor';

/** Scans take from milliseconds (cached blobs) to many minutes (multi-GB checkpoints). */
const SCAN_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export interface ScanMetricsRecorder {
  observe(outcome: JobOutcome, seconds: number): void;
}

/**
 * The scan service's series: the queue depth in PostgreSQL (what the scans wait in; Kafka lag only covers events
 * not yet recorded as jobs) and how long each scan took by outcome. Without metrics (tests), records nothing.
 */
export function scanMetrics(metrics: ServiceMetrics | undefined, dataSource: DataSource): ScanMetricsRecorder {
  if (!metrics) return { observe: () => undefined };
  const jobs = new ScanJobStore();
  const depth: Gauge<'state'> = metrics.gauge({
    name: 'modelguard_scan_queue_depth',
    help: 'Scan jobs waiting for a worker (state=pending) or being scanned (state=running), all workers together',
    labelNames: ['state'],
    collect: guardedCollect(async (): Promise<void> => {
      const open = await jobs.countOpen(dataSource.manager);
      depth.set({ state: 'pending' }, open.pending);
      depth.set({ state: 'running' }, open.running);
    }),
  });
  const duration: Histogram<'outcome'> = metrics.histogram({
    name: 'modelguard_scan_duration_seconds',
    help: 'Time one scan job took in this worker, by outcome (completed, failed, retry, lost, aborted)',
    labelNames: ['outcome'],
    buckets: SCAN_BUCKETS,
  });
  return { observe: (outcome, seconds) => duration.observe({ outcome }, seconds) };
}
