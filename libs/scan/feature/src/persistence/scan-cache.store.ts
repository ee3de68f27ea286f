import type { EntityManager } from 'typeorm';
import type { CachedFileScan } from '../scanning/file-result';
import type { FileScanCache } from '../scanning/package-scanner';
import { tableOf } from './scan-tables';

/** Per-blob scan results in Postgres, shared by every worker of the service. */
export class ScanCacheStore implements FileScanCache {
  constructor(private readonly manager: EntityManager) {}

  async lookup(sha256s: string[], fingerprint: string): Promise<Map<string, CachedFileScan>> {
    const found = new Map<string, CachedFileScan>();
    if (sha256s.length === 0) return found;
    const rows = (await this.manager.query(
      `SELECT sha256, format, verdict, findings FROM ${tableOf(this.manager, 'scan_file_cache')}
        WHERE fingerprint = $1 AND sha256 = ANY($2::text[])`,
      [fingerprint, sha256s],
    )) as (CachedFileScan & { sha256: string })[];
    for (const { sha256, ...scan } of rows) found.set(sha256, scan);
    return found;
  }

  async save(sha256: string, fingerprint: string, scan: CachedFileScan): Promise<void> {
    await this.manager.query(
      `INSERT INTO ${tableOf(this.manager, 'scan_file_cache')} (sha256, fingerprint, format, verdict, findings)
       VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT DO NOTHING`,
      [sha256, fingerprint, scan.format, scan.verdict, JSON.stringify(scan.findings)],
    );
  }

  async deleteAll(): Promise<void> {
    await this.manager.query(`DELETE FROM ${tableOf(this.manager, 'scan_file_cache')}`);
  }
}
