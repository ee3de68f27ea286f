import { createWriteStream, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FileReport, ScanInput, ScanOptions, ScanReport } from '../core/types';
import { SCANNER_VERSION } from '../core/version';
import { summarize, worstVerdict } from '../core/verdict';
import { defaultScanOptions } from '../core/options';
import { bufferInput } from '../io/inputs';
import { DEFAULT_POOL_LIMITS, ScanPool } from './scan-pool';
import { sharedScanPool } from './shared-scan-pool';

export interface ScanProgress {
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
  file: string;
}

/** Optional result cache consulted before scanning a file (the CLI's --cache). */
export interface ReportCache {
  get(path: string, options: ScanOptions): Promise<FileReport | undefined>;
  put(path: string, options: ScanOptions, report: FileReport): Promise<void>;
}

/** Scans one file in an isolated worker (hard timeout and heap cap). */
export async function scanFile(path: string, options: ScanOptions = defaultScanOptions()): Promise<FileReport> {
  const st = await fsp.stat(path);
  if (st.size > options.maxFileBytes) return tooLarge(path, st.size, options);
  return sharedScanPool(options).scanFile(resolve(path), options, path);
}

/** Scans a random-access input (object-storage blob) in an isolated worker; reads happen in this thread. */
export async function scanInput(input: ScanInput, options: ScanOptions = defaultScanOptions()): Promise<FileReport> {
  if (input.size > options.maxFileBytes) return tooLarge(input.path, input.size, options);
  return sharedScanPool(options).scanInput(input, options);
}

export function scanBuffer(buf: Buffer, path: string, options: ScanOptions = defaultScanOptions()): Promise<FileReport> {
  return scanInput(bufferInput(buf, path), options);
}

/**
 * A sequential stream is not random access: it is spooled to a private temp file (never to memory), scanned,
 * and deleted. Prefer scanInput when the source supports ranged reads.
 */
export async function scanStream(stream: NodeJS.ReadableStream, path: string, options: ScanOptions = defaultScanOptions()): Promise<FileReport> {
  const dir = await fsp.mkdtemp(join(tmpdir(), 'modelguard-scan-'));
  const file = join(dir, 'blob');
  try {
    await pipeline(stream, createWriteStream(file, { mode: 0o600 }));
    const report = await scanFile(file, options);
    return { ...report, path, findings: report.findings.map((f) => ({ ...f, location: { ...f.location, file: f.location.file.replace(file, path) } })) };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Files and directories (recursively; symlinks are reported, not followed), scanned with bounded concurrency. */
export async function scanPaths(
  paths: readonly string[],
  options: ScanOptions = defaultScanOptions(),
  onProgress?: (p: ScanProgress) => void,
  cache?: ReportCache,
): Promise<ScanReport> {
  const startedAt = new Date().toISOString();
  const files: Array<{ path: string; size: number }> = [];
  const early: FileReport[] = [];
  for (const p of paths) await collect(p, files, early);
  const bytesTotal = files.reduce((a, f) => a + f.size, 0);
  // A pool of its own, sized by these options: the run ends with it.
  const local = new ScanPool(options.concurrency ?? DEFAULT_POOL_LIMITS.concurrency, options.workerMemoryMb ?? DEFAULT_POOL_LIMITS.workerMemoryMb);
  let done = 0;
  let bytesDone = 0;
  try {
    const reports = await Promise.all(
      files.map(async (f) => {
        const r = f.size > options.maxFileBytes ? tooLarge(f.path, f.size, options) : await scanCached(local, f.path, options, cache);
        done++;
        bytesDone += f.size;
        onProgress?.({ done, total: files.length, bytesDone, bytesTotal, file: f.path });
        return r;
      }),
    );
    return buildReport([...early, ...reports], startedAt);
  } finally {
    await local.close();
  }
}

async function scanCached(local: ScanPool, path: string, options: ScanOptions, cache?: ReportCache): Promise<FileReport> {
  const hit = await cache?.get(path, options);
  if (hit) return hit;
  const report = await local.scanFile(resolve(path), options, path);
  await cache?.put(path, options, report);
  return report;
}

export function buildReport(files: FileReport[], startedAt: string): ScanReport {
  return {
    tool: { name: 'modelguard-scan', version: SCANNER_VERSION },
    startedAt,
    finishedAt: new Date().toISOString(),
    files,
    verdict: worstVerdict(files),
    summary: summarize(files),
  };
}

async function collect(p: string, out: Array<{ path: string; size: number }>, early: FileReport[]): Promise<void> {
  const st = await fsp.lstat(p);
  if (st.isSymbolicLink()) {
    early.push({ path: p, size: 0, format: 'unknown', verdict: 'suspicious', durationMs: 0, findings: [{ ruleId: 'fs.symlink', severity: 'WARNING', message: 'symbolic link not followed', location: { file: p } }] });
  } else if (st.isDirectory()) {
    const entries = await fsp.readdir(p);
    entries.sort();
    for (const e of entries) await collect(join(p, e), out, early);
  } else if (st.isFile()) out.push({ path: p, size: st.size });
}

function tooLarge(path: string, size: number, options: ScanOptions): FileReport {
  return {
    path,
    size,
    format: 'unknown',
    verdict: 'unscannable',
    durationMs: 0,
    findings: [{ ruleId: 'budget.size', severity: 'ERROR', message: `file is ${size} bytes, above the ${options.maxFileBytes}-byte limit`, location: { file: path }, unscannable: true }],
  };
}
