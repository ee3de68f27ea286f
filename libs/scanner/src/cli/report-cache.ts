import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { optionsHash } from '../core/options';
import type { FileReport, ScanOptions } from '../core/types';
import { SCANNER_VERSION } from '../core/version';
import type { ReportCache } from '../engine/scan-api';

const VERDICTS = new Set(['clean', 'suspicious', 'malicious', 'unscannable']);
/** Results that depend on machine load, not on the file: never cached. */
const TRANSIENT = new Set(['budget.timeout', 'budget.memory', 'scan.crashed', 'scan.error']);

/**
 * On-disk cache keyed by SHA-256 of the file CONTENT plus the scanner version and the options fingerprint, so
 * a renamed file hits and a changed rule set or scanner misses. The full digests are used (no truncation).
 */
export class DirReportCache implements ReportCache {
  private readonly digests = new Map<string, string>();

  constructor(private readonly dir: string) {}

  async get(path: string, options: ScanOptions): Promise<FileReport | undefined> {
    const file = join(this.dir, `${await this.key(path, options)}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fsp.readFile(file, 'utf8'));
    } catch {
      return undefined;
    }
    if (!isReport(parsed)) return undefined;
    return { ...parsed, path, sha256: this.digests.get(path) };
  }

  async put(path: string, options: ScanOptions, report: FileReport): Promise<void> {
    if (report.findings.some((f) => TRANSIENT.has(f.ruleId))) return;
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const key = await this.key(path, options);
    const tmp = join(this.dir, `${key}.${process.pid}.tmp`);
    await fsp.writeFile(tmp, JSON.stringify({ ...report, sha256: this.digests.get(path) }), { mode: 0o600 });
    await fsp.rename(tmp, join(this.dir, `${key}.json`));
  }

  private async key(path: string, options: ScanOptions): Promise<string> {
    let digest = this.digests.get(path);
    if (!digest) {
      const h = createHash('sha256');
      await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), h);
      digest = h.digest('hex');
      this.digests.set(path, digest);
    }
    return createHash('sha256').update(`${SCANNER_VERSION}\n${optionsHash(options)}\n${digest}`).digest('hex');
  }
}

function isReport(v: unknown): v is FileReport {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.verdict === 'string' && VERDICTS.has(r.verdict) && Array.isArray(r.findings) && typeof r.format === 'string';
}
