import type { ArtifactType, ScanVerdict } from '@modelguard/contracts';
import type { Verdict } from '@modelguard/scanner';
import type { EntityManager } from 'typeorm';
import type { FindingCounts } from '../domain/verdict';
import type { FileResult } from '../scanning/file-result';
import { tableOf } from './scan-tables';

export interface NewScanReport {
  jobId: string;
  artifactId: string;
  artifactType: ArtifactType;
  name: string;
  version: string;
  verdict: ScanVerdict;
  scannerVerdict: Verdict;
  findingCounts: FindingCounts;
  scannerVersion: string;
  scanFingerprint: string;
  /** The scanner policy version the scan applied (0: the default). */
  policyVersion: number;
  workerId: string;
  startedAt: Date;
  finishedAt: Date;
  files: FileResult[];
}

/** The report as served to the gateway (and through it to users). */
export interface ScanReportView {
  reportId: string;
  artifactId: string;
  artifactType: ArtifactType;
  name: string;
  version: string;
  verdict: ScanVerdict;
  scannerVerdict: Verdict;
  findingCounts: FindingCounts;
  fileCount: number;
  cachedFileCount: number;
  scanner: { version: string; fingerprint: string };
  /** The registry admin's scanner policy the scan applied; absent on reports stored before policies existed. */
  scannerPolicy?: { version: number };
  workerId: string;
  startedAt: string;
  finishedAt: string;
  files: FileResult[];
}

interface ReportRow {
  id: string;
  artifact_id: string;
  artifact_type: ArtifactType;
  name: string;
  version: string;
  verdict: ScanVerdict;
  scanner_verdict: Verdict;
  finding_counts: FindingCounts;
  file_count: number;
  cached_file_count: number;
  scanner_version: string;
  scan_fingerprint: string;
  policy_version: number | null;
  worker_id: string;
  started_at: Date;
  finished_at: Date;
}

interface FileRow {
  path: string;
  sha256: string;
  size: string;
  format: FileResult['format'];
  verdict: Verdict;
  findings: FileResult['findings'];
  cached: boolean;
  duration_ms: number;
}

/** Rows per multi-row INSERT: 10 parameters each keeps well under Postgres' 65535-parameter limit. */
const FILE_BATCH = 500;

export class ScanReportStore {
  /** Insert the report and its files; returns the report id. Runs inside the caller's transaction. */
  async insert(manager: EntityManager, report: NewScanReport): Promise<string> {
    const cached = report.files.filter((f) => f.cached).length;
    const rows = (await manager.query(
      `INSERT INTO ${tableOf(manager, 'scan_report')}
         (job_id, artifact_id, artifact_type, name, version, verdict, scanner_verdict, file_count, cached_file_count,
          finding_counts, scanner_version, scan_fingerprint, worker_id, started_at, finished_at, policy_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16)
       RETURNING id`,
      [
        report.jobId, report.artifactId, report.artifactType, report.name, report.version, report.verdict,
        report.scannerVerdict, report.files.length, cached, JSON.stringify(report.findingCounts),
        report.scannerVersion, report.scanFingerprint, report.workerId, report.startedAt, report.finishedAt, report.policyVersion,
      ],
    )) as { id: string }[];
    const reportId = rows[0].id;
    for (let start = 0; start < report.files.length; start += FILE_BATCH) {
      const batch = report.files.slice(start, start + FILE_BATCH);
      const params: unknown[] = [];
      const tuples = batch.map((file, i) => {
        const base = params.length;
        params.push(reportId, start + i, file.path, file.sha256, file.size, file.format, file.verdict,
          JSON.stringify(file.findings), file.cached, Math.round(file.durationMs));
        return `(${Array.from({ length: 10 }, (_, k) => `$${base + k + 1}${k === 7 ? '::jsonb' : ''}`).join(', ')})`;
      });
      await manager.query(
        `INSERT INTO ${tableOf(manager, 'scan_report_file')}
           (report_id, ordinal, path, sha256, size, format, verdict, findings, cached, duration_ms)
         VALUES ${tuples.join(', ')}`,
        params,
      );
    }
    return reportId;
  }

  /** The report of one version, or of the most recently scanned version when `version` is omitted. */
  async findLatest(manager: EntityManager, artifactId: string, version?: string): Promise<ScanReportView | null> {
    const reports = (await manager.query(
      `SELECT * FROM ${tableOf(manager, 'scan_report')}
        WHERE artifact_id = $1 AND ($2::text IS NULL OR version = $2)
        ORDER BY created_at DESC LIMIT 1`,
      [artifactId, version ?? null],
    )) as ReportRow[];
    const row = reports[0];
    if (!row) return null;
    const files = (await manager.query(
      `SELECT path, sha256, size, format, verdict, findings, cached, duration_ms
         FROM ${tableOf(manager, 'scan_report_file')} WHERE report_id = $1 ORDER BY ordinal`,
      [row.id],
    )) as FileRow[];
    return {
      reportId: row.id,
      artifactId: row.artifact_id,
      artifactType: row.artifact_type,
      name: row.name,
      version: row.version,
      verdict: row.verdict,
      scannerVerdict: row.scanner_verdict,
      findingCounts: row.finding_counts,
      fileCount: row.file_count,
      cachedFileCount: row.cached_file_count,
      scanner: { version: row.scanner_version, fingerprint: row.scan_fingerprint },
      ...(row.policy_version === null ? {} : { scannerPolicy: { version: row.policy_version } }),
      workerId: row.worker_id,
      startedAt: new Date(row.started_at).toISOString(),
      finishedAt: new Date(row.finished_at).toISOString(),
      files: files.map((f) => ({
        path: f.path,
        sha256: f.sha256,
        size: Number(f.size),
        format: f.format,
        verdict: f.verdict,
        findings: f.findings,
        cached: f.cached,
        durationMs: f.duration_ms,
      })),
    };
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'scan_report')}`);
  }
}
