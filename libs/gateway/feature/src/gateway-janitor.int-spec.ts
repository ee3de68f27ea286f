import { qualifiedTable } from '@modelguard/persistence';
import { S3BlobStore } from '@modelguard/storage';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanitorLease } from './janitor/janitor-lease';
import { OrphanJanitor } from './janitor/orphan-janitor.service';
import { ArtifactVersionEntity } from './persistence/artifact-version.entity';
import { TestClock } from '../test/auth-helpers';
import { blobStoreDrivers, type TestBlobStore } from '../test/blob-store-drivers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';

const HOUR = 3_600_000;
type Store = TestBlobStore;

const drivers = blobStoreDrivers('mg-janitor');

async function listed(store: Store): Promise<Set<string>> {
  const all = new Set<string>();
  for await (const page of store.list()) for (const b of page) all.add(b.sha256);
  return all;
}

/** Old enough for any grace period: what a crash a day ago left behind. */
async function ageFile(path: string): Promise<void> {
  const dayAgo = new Date(Date.now() - 24 * HOUR);
  await utimes(path, dayAgo, dayAgo);
}

/** Issue 11.6: spools and blobs nothing references are collected after the grace period; live blobs never are. */
describe.each(drivers)('orphan janitor (%s blob store)', (_driver, makeStore) => {
  let app: GatewayTestApp;
  let dir: string;
  let spool: string;
  let store: Store;
  let janitor: OrphanJanitor;
  const clock = new TestClock();
  const crashedSpool = `upload-${randomUUID()}.zip`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'janitor-test-'));
    spool = join(dir, 'spool');
    store = makeStore(dir);
    if (store instanceof S3BlobStore) await store.ensureBucket();
    // A spool file a crashed predecessor left: collected at start-up, before any periodic run.
    await mkdir(spool, { recursive: true });
    await writeFile(join(spool, crashedSpool), randomBytes(4096));
    await ageFile(join(spool, crashedSpool));
    app = await startGatewayTestApp({ clock, blobStore: store, gateway: { tmpDir: spool, janitor: { graceSeconds: 3600, intervalSeconds: 0 } } });
    janitor = app.service.app.get(OrphanJanitor);
  });
  afterAll(async () => {
    await app?.close();
    if (store instanceof S3BlobStore) {
      await store.deleteMany([...(await listed(store))]);
      store.destroy();
    }
    await rm(dir, { recursive: true, force: true });
  });

  const create = async (token: string, url: string): Promise<CreatedArtifact> => {
    const res = await app.client.call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url } });
    expect(res.status).toBe(201);
    return res.body;
  };
  const filesOf = async (id: string): Promise<string[]> => {
    const versions = await app.dataSource.getRepository(ArtifactVersionEntity).findBy({ artifactId: id });
    return versions.flatMap((v) => v.files.map((f) => f.sha256));
  };
  /** The claim-check blobs of a version's PackageStored event (manifest JSON, README text). */
  const claimsOf = async (id: string): Promise<{ manifest: string; readme: string }> => {
    const [v] = await app.dataSource.getRepository(ArtifactVersionEntity).findBy({ artifactId: id });
    return { manifest: v.manifestSha256!, readme: v.readmeSha256! };
  };
  const put = async (content: string): Promise<string> => (await store.put(Readable.from([Buffer.from(content)]))).sha256;

  it('removes spool files left by a crash at start-up, and only old ones with names the gateway generates', async () => {
    // A pass asked for while the start-up sweep may still run waits for it rather than sweeping beside it (which
    // counted, or took from the next pass, entries the start-up sweep was removing): it finds nothing left to count.
    expect((await janitor.collect())?.spoolRemoved).toBe(0);
    expect(existsSync(join(spool, crashedSpool))).toBe(false);
    const young = `upload-${randomUUID()}.zip`;
    await writeFile(join(spool, young), 'uploading');
    await mkdir(join(spool, 'monitor', 'run-Ab12Cd'), { recursive: true });
    await writeFile(join(spool, 'monitor', 'run-Ab12Cd', 'package.zip'), 'x');
    await ageFile(join(spool, 'monitor', 'run-Ab12Cd'));
    await writeFile(join(spool, 'not-ours.zip'), 'someone else');
    await ageFile(join(spool, 'not-ours.zip'));

    const report = await janitor.collect();
    expect(report?.spoolRemoved).toBe(1);
    expect(existsSync(join(spool, 'monitor', 'run-Ab12Cd'))).toBe(false);
    expect(existsSync(join(spool, young))).toBe(true);
    expect(existsSync(join(spool, 'not-ours.zip'))).toBe(true);
  });

  it('collects deleted artifacts and unreferenced leftovers after the grace period, never a live blob', async () => {
    let token = await loginAsAdmin(app.client);
    // The fake ingest stores four files per model; src/train.py has the same content in every model (one blob).
    const deleted = await create(token, 'https://huggingface.co/acme/malicious');
    const kept = await create(token, 'https://huggingface.co/acme/kept');
    const deletedFiles = await filesOf(deleted.metadata.id);
    const keptFiles = await filesOf(kept.metadata.id);
    expect(deletedFiles).toHaveLength(4);
    const shared = deletedFiles.filter((s) => keptFiles.includes(s));
    expect(shared).toHaveLength(1);
    // Claim checks: each event's manifest is a blob of its own; the README claim is the README.md file's blob
    // (content-addressed, same bytes). Both count as the version's blobs for the janitor.
    const deletedClaims = await claimsOf(deleted.metadata.id);
    const keptClaims = await claimsOf(kept.metadata.id);
    expect(deletedFiles).toContain(deletedClaims.readme);
    expect(deletedFiles).not.toContain(deletedClaims.manifest);
    expect(await store.stat(deletedClaims.manifest)).not.toBeNull();
    deletedFiles.push(deletedClaims.manifest);
    keptFiles.push(keptClaims.manifest);
    // A blob of an ingest or upload that failed or is still running: in no manifest.
    const leftover = await put(`partial ingest ${randomUUID()}`);
    // A sensitive model's monitor program is referenced by sensitive_models, not by a manifest.
    const program = await put(`process.exit(0) // ${randomUUID()}`);
    await app.dataSource.query(
      `INSERT INTO ${qualifiedTable(app.dataSource, 'sensitive_models')} (artifact_id, marked_by, program_sha256, program_size) VALUES ($1, 'admin', $2, 1)`,
      [kept.metadata.id, program],
    );
    const del = await app.client.call('DELETE', `/artifacts/model/${deleted.metadata.id}`, { token });
    expect(del.status).toBe(200);

    // Within the grace period nothing goes: the leftover could be an ingest whose PackageStored is still on its way.
    const early = await janitor.collect();
    expect(early).toMatchObject({ blobsRemoved: 0, complete: true });
    expect(await store.stat(leftover)).not.toBeNull();
    for (const sha of deletedFiles) expect(await store.stat(sha)).not.toBeNull();

    clock.advance(2 * HOUR);
    const report = await janitor.collect();
    const gone = [...deletedFiles.filter((s) => !shared.includes(s)), leftover];
    expect(report).toMatchObject({ blobsRemoved: gone.length, complete: true });
    for (const sha of gone) expect(await store.stat(sha)).toBeNull();
    // Still referenced: the kept model (including the blob it shares with the deleted one) and the monitor program.
    for (const sha of [...keptFiles, program]) expect(await store.stat(sha)).not.toBeNull();
    expect(await listed(store)).toEqual(new Set([...keptFiles, program]));

    // After a reset nothing is referenced: every blob goes once the grace period has passed.
    token = await loginAsAdmin(app.client);
    expect((await app.client.call('DELETE', '/reset', { token })).status).toBe(200);
    const afterReset = await janitor.collect();
    expect(afterReset?.blobsRemoved).toBe(keptFiles.length + 1);
    expect((await listed(store)).size).toBe(0);
  });

  it('leaves the blob pass to whichever replica holds the lease', async () => {
    const orphan = await put(`orphan while leased ${randomUUID()}`);
    clock.advance(2 * HOUR);
    const other = new JanitorLease(app.dataSource, 'orphans');
    expect(await other.acquire('another-replica', 60_000, 0)).toBe(true);
    expect(await janitor.collect()).toBeNull();
    expect(await store.stat(orphan)).not.toBeNull();
    await other.release('another-replica', true);
    // A periodic run right after another replica's finished pass waits for the interval; a direct one does not.
    expect(await other.acquire('third-replica', 60_000, HOUR)).toBe(false);
    expect(await janitor.collect()).toMatchObject({ blobsRemoved: 1 });
    expect(await store.stat(orphan)).toBeNull();
  });
});
