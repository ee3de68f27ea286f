import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ManifestEntry, PackageStoredV2, PackageUploadedV1 } from '@modelguard/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobKey } from '../blob-id';
import { FsBlobStore } from '../fs-blob-store';
import { putClaim, readClaim } from './blob-claim';
import { ClaimCheckError } from './claim-errors';
import { packageContentOf, writePackageClaims } from './package-claims';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const entry = (i: number): ManifestEntry => ({ path: `weights/shard-${String(i).padStart(6, '0')}.bin`, size: i, sha256: sha(`file ${i}`) });

/** The claim-check helpers against a real (filesystem) blob store in a temporary directory. */
describe('claim checks', () => {
  let root: string;
  let blobs: FsBlobStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'claims-'));
    blobs = new FsBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** Rewrites a stored blob in place, as a damaged disk or a tampering hand would. */
  const tamper = (sha256: string, bytes: string) => writeFile(join(root, blobKey(sha256)), bytes);

  it('writes content under its SHA-256 and reads back exactly the same bytes', async () => {
    const claim = await putClaim(blobs, 'héllo wörld');
    expect(claim).toEqual({ sha256: sha('héllo wörld'), size: Buffer.byteLength('héllo wörld') });
    expect((await readClaim(blobs, claim, 'readme')).toString('utf8')).toBe('héllo wörld');
  });

  it('rejects content whose digest does not match the claim (same size, other bytes)', async () => {
    const claim = await putClaim(blobs, 'the real readme');
    await tamper(claim.sha256, 'the fake readme');
    const error = await readClaim(blobs, claim, 'readme').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimCheckError);
    expect(error).toMatchObject({ failure: 'digest-mismatch', what: 'readme', sha256: claim.sha256 });
    expect((error as Error).message).toContain(`SHA-256 is ${sha('the fake readme')}`);
  });

  it('rejects a blob longer or shorter than the claim without trusting it', async () => {
    const claim = await putClaim(blobs, 'twelve bytes');
    await tamper(claim.sha256, 'twelve bytes and then some more');
    await expect(readClaim(blobs, claim, 'manifest')).rejects.toMatchObject({ failure: 'size-mismatch' });
    await tamper(claim.sha256, 'short');
    await expect(readClaim(blobs, claim, 'manifest')).rejects.toMatchObject({ failure: 'size-mismatch' });
  });

  it('names a missing blob clearly', async () => {
    const claim = { sha256: sha('never stored'), size: 12 };
    await expect(readClaim(blobs, claim, 'manifest')).rejects.toThrow(`claim check manifest (blob ${claim.sha256}): the blob is not in the blob store`);
    await expect(readClaim(blobs, claim, 'manifest')).rejects.toMatchObject({ failure: 'missing' });
  });

  it('round-trips a package over 1 MB: the v2 event stays small and resolves to the full manifest and README', async () => {
    const files = Array.from({ length: 12_000 }, (_, i) => entry(i));
    const readme = `# big\n${'€ model card line\n'.repeat(14_000)}END-OF-README`;
    const metadata = { license: 'mit', readme, readmeTruncated: false };
    expect(Buffer.byteLength(JSON.stringify({ files, metadata }))).toBeGreaterThan(1_048_576);

    const claims = await writePackageClaims(blobs, { files, metadata });
    const payload = PackageStoredV2.parse({ artifactId: 'a1', artifactType: 'model', name: 'big', version: '1.0.0', source: 'huggingface', url: 'u', totalBytes: 1, ...claims });
    expect(JSON.stringify(payload).length).toBeLessThan(1_000);
    expect(payload.metadata).toEqual({ license: 'mit', readmeTruncated: false });
    expect(payload.manifest.entries).toBe(12_000);

    const resolved = await packageContentOf(blobs, payload);
    expect(resolved.files).toEqual(files);
    expect(resolved.metadata).toEqual(metadata);
  });

  it('ignores an inline README in a v2 payload (only the claim counts) and passes v1 content through', async () => {
    const claims = await writePackageClaims(blobs, { files: [entry(1)], metadata: {} });
    const payload = PackageStoredV2.parse({ artifactId: 'a1', artifactType: 'model', name: 'n', version: '1', source: 'github', url: 'u', totalBytes: 1, ...claims, metadata: { readme: 'forged' } });
    expect(await packageContentOf(blobs, payload)).toEqual({ files: [entry(1)], metadata: {} });

    const v1 = PackageUploadedV1.parse({ artifactId: 'a1', artifactType: 'code', name: 'n', version: '1', url: 'u', files: [entry(2)], totalBytes: 2, metadata: { readme: 'inline' } });
    expect(await packageContentOf(blobs, v1)).toEqual({ files: [entry(2)], metadata: { readme: 'inline' } });
  });

  it('fails a manifest claim whose blob is not a manifest, or lists another number of files', async () => {
    const notJson = await putClaim(blobs, 'not json');
    const base = { artifactId: 'a1', artifactType: 'model', name: 'n', version: '1', source: 'github', url: 'u', totalBytes: 1 } as const;
    await expect(packageContentOf(blobs, PackageStoredV2.parse({ ...base, manifest: { ...notJson, entries: 0 } }))).rejects.toMatchObject({ failure: 'invalid-content' });
    const wrongShape = await putClaim(blobs, JSON.stringify([{ path: '../x', size: -1 }]));
    await expect(packageContentOf(blobs, PackageStoredV2.parse({ ...base, manifest: { ...wrongShape, entries: 1 } }))).rejects.toThrow(/not a file manifest/);
    const two = await putClaim(blobs, JSON.stringify([entry(1), entry(2)]));
    await expect(packageContentOf(blobs, PackageStoredV2.parse({ ...base, manifest: { ...two, entries: 3 } }))).rejects.toThrow(/lists 2 files, the claim says 3/);
  });
});
