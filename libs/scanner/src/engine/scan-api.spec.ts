import { createReadStream, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import { scanBuffer, scanPaths, scanStream, type ScanProgress } from './scan-api';
import { closeSharedPool } from './shared-scan-pool';

const MALICIOUS = Buffer.from('8002636f730a73797374656d0a8c0269648552942e', 'hex');
const BENIGN = Buffer.from('80024e2e', 'hex');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mg-api-'));
  mkdirSync(join(dir, 'repo/sub'), { recursive: true });
  writeFileSync(join(dir, 'repo/a.bin'), BENIGN);
  writeFileSync(join(dir, 'repo/sub/model.pt'), MALICIOUS);
  writeFileSync(join(dir, 'repo/README.md'), '# hi\n');
  symlinkSync('/etc/passwd', join(dir, 'repo/link'));
});
afterAll(async () => {
  await closeSharedPool();
  rmSync(dir, { recursive: true, force: true });
});

describe('scan API', { timeout: 120_000 }, () => {
  it('scans directories recursively, reports symlinks instead of following them, and reports progress', async () => {
    const progress: ScanProgress[] = [];
    const report = await scanPaths([join(dir, 'repo')], defaultScanOptions(), (p) => progress.push(p));
    const byName = Object.fromEntries(report.files.map((f) => [f.path.slice(dir.length + 1), f.verdict]));
    expect(byName).toEqual({ 'repo/link': 'suspicious', 'repo/README.md': 'clean', 'repo/a.bin': 'clean', 'repo/sub/model.pt': 'malicious' });
    expect(report.verdict).toBe('malicious');
    expect(report.summary.CRITICAL).toBe(1);
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 });
  }, 60_000);

  it('scans buffers and sequential streams (spooled to disk) in isolated workers', async () => {
    expect((await scanBuffer(MALICIOUS, 'mem://x')).verdict).toBe('malicious');
    const r = await scanStream(createReadStream(join(dir, 'repo/sub/model.pt')), 's3://bucket/model.pt');
    expect(r.verdict).toBe('malicious');
    expect(r.path).toBe('s3://bucket/model.pt');
    expect(r.findings[0].location.file).toBe('s3://bucket/model.pt');
  }, 60_000);

  it('marks files above maxFileBytes unscannable without reading them', async () => {
    const report = await scanPaths([join(dir, 'repo/sub/model.pt')], defaultScanOptions({ maxFileBytes: 4 }));
    expect(report.files[0]).toMatchObject({ verdict: 'unscannable', findings: [{ ruleId: 'budget.size' }] });
  });
});
