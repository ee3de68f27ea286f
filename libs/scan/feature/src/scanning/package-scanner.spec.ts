import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ManifestEntry } from '@modelguard/contracts';
import type { FileReport, ScanInput } from '@modelguard/scanner';
import { describe, expect, it } from 'vitest';
import type { BlobSource } from '../blob/blob-source';
import type { CachedFileScan } from './file-result';
import { type FileScanCache, PackageScanError, PackageScanner } from './package-scanner';
import type { FileScanEngine } from './scan-engine.port';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Judges content by a marker, the way a real scanner judges by bytes; records what it was asked to scan. */
function markerEngine() {
  const scanned: string[] = [];
  const judge = (path: string, bytes: Buffer): FileReport => {
    scanned.push(path);
    const evil = bytes.includes('EVIL');
    return {
      path,
      size: bytes.length,
      format: 'pickle',
      verdict: evil ? 'malicious' : 'clean',
      findings: evil ? [{ ruleId: 'pickle-dangerous-global', severity: 'CRITICAL', message: 'os.system', location: { file: path, offset: bytes.indexOf('EVIL') } }] : [],
      durationMs: 1,
    };
  };
  const engine: FileScanEngine = {
    version: 'test',
    fingerprint: 'f'.repeat(64),
    scanInput: async (input: ScanInput) => judge(input.path, await input.read(0, input.size)),
    // Like the library: the report names the temp file it was given; the caller relocates it.
    scanFile: async (file) => judge(file, readFileSync(file)),
  };
  return { engine, scanned };
}

function memoryBlobs(contents: Buffer[], failures = 0) {
  const byHash = new Map(contents.map((c) => [sha(c), c]));
  let remainingFailures = failures;
  const source: BlobSource = {
    get: async (hash, range) => {
      if (remainingFailures > 0) {
        remainingFailures -= 1;
        throw new Error('ECONNRESET');
      }
      const content = byHash.get(hash);
      if (!content) throw new Error('NoSuchKey');
      return Readable.from([range ? content.subarray(range.start, range.end + 1) : content]);
    },
  };
  return source;
}

function memoryCache(): FileScanCache & { entries: Map<string, CachedFileScan> } {
  const entries = new Map<string, CachedFileScan>();
  return {
    entries,
    lookup: async (hashes, fp) => new Map(hashes.filter((h) => entries.has(`${h}/${fp}`)).map((h) => [h, entries.get(`${h}/${fp}`)!])),
    save: async (h, fp, scan) => void entries.set(`${h}/${fp}`, scan),
  };
}

const entry = (path: string, content: Buffer): ManifestEntry => ({ path, size: content.length, sha256: sha(content) });
const options = { spoolMaxBytes: 1024, blobAttempts: 3, blobRetryDelayMs: 1 };

describe('PackageScanner', () => {
  const benign = Buffer.from('just weights');
  const evil = Buffer.from('prefix EVIL suffix');
  const large = Buffer.concat([Buffer.alloc(4000, 1), Buffer.from('EVIL')]);

  it('scans small files spooled and large ones through ranged reads, with findings on the package path', async () => {
    const { engine } = markerEngine();
    const scanner = new PackageScanner(memoryBlobs([benign, evil, large]), engine, memoryCache(), options);
    const results = await scanner.scan([entry('a/model.bin', benign), entry('b/evil.pkl', evil), entry('c/big.bin', large)]);
    expect(results.map((r) => [r.path, r.verdict])).toEqual([
      ['a/model.bin', 'clean'],
      ['b/evil.pkl', 'malicious'],
      ['c/big.bin', 'malicious'],
    ]);
    expect(results[1].findings[0].location.file).toBe('b/evil.pkl');
    expect(results[2].findings[0].location.file).toBe('c/big.bin');
  });

  it('reuses results for blobs already scanned under the same fingerprint, relocated to the new path', async () => {
    const { engine, scanned } = markerEngine();
    const cache = memoryCache();
    const scanner = new PackageScanner(memoryBlobs([evil]), engine, cache, options);
    await scanner.scan([entry('first.pkl', evil)]);
    const before = scanned.length;
    const [again, twin] = await scanner.scan([entry('other/copy.pkl', evil), entry('twin.pkl', evil)]);
    expect(scanned.length).toBe(before);
    expect(again).toMatchObject({ cached: true, verdict: 'malicious', path: 'other/copy.pkl' });
    expect(again.findings[0].location.file).toBe('other/copy.pkl');
    expect(twin.findings[0].location.file).toBe('twin.pkl');
  });

  it('marks a blob whose bytes do not match the manifest hash as unscannable, and does not cache it', async () => {
    const { engine } = markerEngine();
    const cache = memoryCache();
    const blobs: BlobSource = { get: async () => Readable.from([Buffer.from('swapped!!!!!')]) };
    const scanner = new PackageScanner(blobs, engine, cache, options);
    const [result] = await scanner.scan([{ path: 'w.bin', size: 12, sha256: sha(benign) }]);
    expect(result.verdict).toBe('unscannable');
    expect(result.findings[0].ruleId).toBe('blob-integrity');
    expect(cache.entries.size).toBe(0);
  });

  it('marks a blob larger than its manifest size as unscannable instead of retrying it', async () => {
    const { engine } = markerEngine();
    const blobs: BlobSource = { get: async () => Readable.from([Buffer.alloc(64, 1)]) };
    const scanner = new PackageScanner(blobs, engine, memoryCache(), options);
    const [result] = await scanner.scan([{ path: 'grown.bin', size: 16, sha256: sha(benign) }]);
    expect(result).toMatchObject({ verdict: 'unscannable', findings: [expect.objectContaining({ ruleId: 'blob-integrity' })] });
  });

  it('retries transient blob failures', async () => {
    const { engine } = markerEngine();
    const scanner = new PackageScanner(memoryBlobs([benign], 2), engine, memoryCache(), options);
    const [result] = await scanner.scan([entry('m.bin', benign)]);
    expect(result.verdict).toBe('clean');
  });

  it('fails the package when a blob stays missing, also for ranged (large) files', async () => {
    const { engine } = markerEngine();
    const scanner = new PackageScanner(memoryBlobs([]), engine, memoryCache(), options);
    await expect(scanner.scan([entry('small.bin', benign)])).rejects.toBeInstanceOf(PackageScanError);
    await expect(scanner.scan([entry('big.bin', large)])).rejects.toThrow(/big\.bin.*missing or unreadable after 3 attempts/);
  });

  it('stops between files when aborted', async () => {
    const { engine } = markerEngine();
    const scanner = new PackageScanner(memoryBlobs([benign]), engine, memoryCache(), options);
    const controller = new AbortController();
    controller.abort();
    await expect(scanner.scan([entry('m.bin', benign)], controller.signal)).rejects.toThrow(/aborted/);
  });
});
