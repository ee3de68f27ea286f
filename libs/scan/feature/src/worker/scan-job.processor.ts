import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Topic } from '@modelguard/contracts';
import { backoffDelay } from '@modelguard/jobs';
import { Outbox } from '@modelguard/messaging';
import { DATA_SOURCE, runInTransaction } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { applyScannerPolicy, type ScannerPolicy } from '../domain/scanner-policy';
import { countFindings, emptyCounts, toRegistryVerdict, worstVerdict } from '../domain/verdict';
import { ScanJobStore, type ScanJob } from '../persistence/scan-job.store';
import { ScanReportStore } from '../persistence/scan-report.store';
import { ScannerPolicyStore } from '../persistence/scanner-policy.store';
import type { FileResult } from '../scanning/file-result';
import { PackageScanError, PackageScanner } from '../scanning/package-scanner';
import { FILE_SCAN_ENGINE, type FileScanEngine } from '../scanning/scan-engine.port';
import { SCAN_SETTINGS, type ScanSettings } from './scan-settings';

export type JobOutcome = 'completed' | 'failed' | 'retry' | 'lost' | 'aborted';

/** 1 s before the second attempt, doubling; SCAN_MAX_ATTEMPTS bounds how far it grows. */
const JOB_RETRY_BACKOFF = { initialMs: 1_000 };

/** Reasons go to the gateway and to users: one line, bounded, no stack traces. */
const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500) || 'unknown error';

/**
 * Runs one claimed job: scans outside any transaction (it can take minutes), then stores the report and
 * enqueues ScanCompleted in one short transaction, but only while this worker still owns the job, so a
 * worker that lost its lease (and was replaced) never publishes a second, competing result.
 */
@Injectable()
export class ScanJobProcessor {
  private readonly logger: Logger;
  private readonly jobs = new ScanJobStore();
  private readonly reports = new ScanReportStore();
  private readonly policies = new ScannerPolicyStore();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(PackageScanner) private readonly scanner: PackageScanner,
    @Inject(FILE_SCAN_ENGINE) private readonly engine: FileScanEngine,
    @Inject(SCAN_SETTINGS) private readonly settings: ScanSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'ScanJobProcessor' });
  }

  async process(job: ScanJob, signal: AbortSignal): Promise<JobOutcome> {
    const startedAt = new Date();
    try {
      // The admin's policy as it stands when the scan starts: a change stored later applies to later scans.
      const policy = await this.policies.current(this.dataSource.manager);
      let files: FileResult[];
      try {
        files = await this.scanner.scan(job.files, signal);
      } catch (error) {
        if (signal.aborted) return 'aborted';
        if (error instanceof PackageScanError) return await this.fail(job, reasonOf(error));
        throw error;
      }
      return await this.complete(job, applyScannerPolicy(files, policy, this.engine.strict ?? false), startedAt, policy);
    } catch (error) {
      // Anything else (scanner crash, database hiccup while storing) is transient until attempts run out.
      if (job.attempts >= this.settings.maxAttempts) {
        return this.fail(job, `scan failed after ${job.attempts} attempts: ${reasonOf(error)}`);
      }
      this.logger.warn(`scan of ${job.artifactId}@${job.version} failed (attempt ${job.attempts}), retrying: ${reasonOf(error)}`);
      const delay = backoffDelay(JOB_RETRY_BACKOFF, job.attempts);
      await this.jobs.retryLater(this.dataSource.manager, job.id, this.settings.workerId, reasonOf(error), delay);
      return 'retry';
    }
  }

  private async complete(job: ScanJob, files: FileResult[], startedAt: Date, policy: ScannerPolicy): Promise<JobOutcome> {
    const scannerVerdict = worstVerdict(files.map((f) => f.verdict));
    const verdict = toRegistryVerdict(scannerVerdict);
    const counts = emptyCounts();
    for (const file of files) countFindings(file.findings, counts);
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await this.jobs.finish(manager, job.id, this.settings.workerId, 'done'))) return 'lost';
      const reportId = await this.reports.insert(manager, {
        jobId: job.id,
        artifactId: job.artifactId,
        artifactType: job.artifactType,
        name: job.name,
        version: job.version,
        verdict,
        scannerVerdict,
        findingCounts: counts,
        scannerVersion: this.engine.version,
        scanFingerprint: this.engine.fingerprint,
        policyVersion: policy.version,
        workerId: this.settings.workerId,
        startedAt,
        finishedAt: new Date(),
        files,
      });
      await this.outbox.enqueue(
        manager,
        Topic.ScanCompleted,
        { artifactId: job.artifactId, artifactType: job.artifactType, name: job.name, version: job.version, verdict, reportId, findingCounts: counts },
        { key: job.artifactId, causationId: job.causationId, correlationId: job.correlationId },
      );
      this.logger.info(`scanned ${job.artifactId}@${job.version}: ${verdict} (${files.length} files, scanner policy v${policy.version}, report ${reportId})`);
      return 'completed' as const;
    });
  }

  private async fail(job: ScanJob, reason: string): Promise<JobOutcome> {
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await this.jobs.finish(manager, job.id, this.settings.workerId, 'failed', reason))) return 'lost';
      await this.outbox.enqueue(
        manager,
        Topic.ScanFailed,
        { artifactId: job.artifactId, artifactType: job.artifactType, name: job.name, version: job.version, reason },
        { key: job.artifactId, causationId: job.causationId, correlationId: job.correlationId },
      );
      this.logger.warn(`scan of ${job.artifactId}@${job.version} failed: ${reason}`);
      return 'failed' as const;
    });
  }
}
