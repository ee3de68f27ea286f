import { schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ScanScannerPolicy1764900000000 } from './scanner-policy.migration';

/**
 * The scan service's tables:
 *  - scan_job: one row per package version to scan (unique artifact+version = idempotent), with the owning
 *    worker instance and a lease so crashed workers' jobs are taken over;
 *  - scan_report / scan_report_file: the stored outcome, overall and per file;
 *  - scan_file_cache: per-blob results reused across packages under the same scanner fingerprint.
 */
export class CreateScanTables1764300000000 implements MigrationInterface {
  name = 'CreateScanTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}"."scan_job" (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        artifact_id text NOT NULL,
        artifact_type text NOT NULL,
        name text NOT NULL,
        version text NOT NULL,
        files jsonb NOT NULL,
        causation_id text NOT NULL,
        correlation_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
        owner text NOT NULL,
        lease_expires_at timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT scan_job_artifact_version_uq UNIQUE (artifact_id, version)
      )`);
    await queryRunner.query(
      `CREATE INDEX scan_job_claimable_idx ON "${s}"."scan_job" (lease_expires_at) WHERE status IN ('pending', 'running')`,
    );
    await queryRunner.query(`
      CREATE TABLE "${s}"."scan_report" (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL,
        artifact_id text NOT NULL,
        artifact_type text NOT NULL,
        name text NOT NULL,
        version text NOT NULL,
        verdict text NOT NULL,
        scanner_verdict text NOT NULL,
        file_count integer NOT NULL,
        cached_file_count integer NOT NULL,
        finding_counts jsonb NOT NULL,
        scanner_version text NOT NULL,
        scan_fingerprint text NOT NULL,
        worker_id text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT scan_report_artifact_version_uq UNIQUE (artifact_id, version)
      )`);
    await queryRunner.query(`CREATE INDEX scan_report_artifact_idx ON "${s}"."scan_report" (artifact_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."scan_report_file" (
        report_id uuid NOT NULL REFERENCES "${s}"."scan_report" (id) ON DELETE CASCADE,
        ordinal integer NOT NULL,
        path text NOT NULL,
        sha256 text NOT NULL,
        size bigint NOT NULL,
        format text NOT NULL,
        verdict text NOT NULL,
        findings jsonb NOT NULL,
        cached boolean NOT NULL,
        duration_ms integer NOT NULL,
        PRIMARY KEY (report_id, ordinal)
      )`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."scan_file_cache" (
        sha256 text NOT NULL,
        fingerprint text NOT NULL,
        format text NOT NULL,
        verdict text NOT NULL,
        findings jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sha256, fingerprint)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['scan_file_cache', 'scan_report_file', 'scan_report', 'scan_job']) {
      await queryRunner.query(`DROP TABLE IF EXISTS "${s}"."${table}"`);
    }
  }
}

export const SCAN_MIGRATIONS = [CreateScanTables1764300000000, ScanScannerPolicy1764900000000];
