import { S3BlobStore } from '@modelguard/storage';
import type { SpawnedService } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../e2e-kafka/support/build-once';
import { createDistributedRun, type DistributedRun } from '../e2e-kafka/support/distributed-env';
import { figure, sleep } from './support/cluster';
import { type Answer, errorLines, startGateway, storedUploads, tally, upload, uploadLoad } from './support/gateway-load';
import { startPrivateS3Mock } from './support/side-stores';

/** Uploads from WORKERS loops; S3Mock is stopped STOP_AT_MS in, started again DOWN_MS later, load goes on AFTER_MS. */
const WORKERS = 3;
const STOP_AT_MS = 3_000;
const DOWN_MS = 4_000;
const AFTER_MS = 3_000;

describe('S3Mock stopped and restarted during uploads: 503 + Retry-After, nothing half-visible, later uploads succeed', () => {
  let run: DistributedRun;
  let gateway: SpawnedService | undefined;
  let s3: Awaited<ReturnType<typeof startPrivateS3Mock>> | undefined;

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
    s3 = await startPrivateS3Mock(run.id);
  });

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await s3?.dispose();
    await run?.dispose();
  });

  it('fails the uploads that need the store cleanly, stores none half, and serves uploads again once it is back', async () => {
    if (!s3) throw new Error('no S3Mock');
    const bucket = `rs-${run.id}`.slice(0, 60);
    const s3Config = { endpoint: s3.endpoint, region: 'us-east-1', bucket, accessKeyId: 'test', secretAccessKey: 'test', forcePathStyle: true, multipartPartSizeBytes: 16 * 1024 * 1024 };
    const started = await startGateway(run, { STORAGE_DRIVER: 's3', S3_ENDPOINT: s3.endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: 'test', S3_SECRET_ACCESS_KEY: 'test' });
    gateway = started.gateway;
    const { token } = started;
    const prefix = `rs-${run.id}`;

    const t0 = Date.now();
    const phase = { stoppedAt: 0, stopDone: 0, startAt: 0, backAt: 0, over: false };
    const chaos = (async () => {
      await sleep(STOP_AT_MS);
      phase.stoppedAt = Date.now() - t0;
      await s3.stop();
      phase.stopDone = Date.now() - t0;
      await sleep(DOWN_MS);
      phase.startAt = Date.now() - t0;
      await s3.start();
      phase.backAt = Date.now() - t0;
      await sleep(AFTER_MS);
      phase.over = true;
    })();
    const { uploads, reads } = await uploadLoad(gateway.url, token, prefix, WORKERS, () => !phase.over);
    await chaos;

    const after = await upload(gateway.url, token, `${prefix}-after`);
    const stored = await storedUploads(run.databaseUrl, prefix);
    const storedNames = new Set(stored.map((s) => s.name));
    // Every blob an artifact row points at must be in the bucket: no row without its blobs.
    const blobs = new S3BlobStore(s3Config);
    const missing: string[] = [];
    for (const s of stored) for (const f of s.files ?? []) if ((await blobs.stat(f.sha256)) === null) missing.push(`${s.name}:${f.sha256}`);
    blobs.destroy();
    const all: Answer[] = [...uploads, ...reads];
    const answered201 = uploads.filter((u) => u.status === 201).map((u) => u.name);
    const failedButStored = uploads.filter((u) => u.status !== 201 && storedNames.has(u.name)).map((u) => u.name);
    const unclean = all.filter((a) => (a.status === 0 || a.status >= 500) && !(a.status === 503 && /^\d+$/.test(a.retryAfter ?? '')));
    const expected = (a: Answer) => [200, 201, 503].includes(a.status) || (a.status === 404 && !answered201.includes(a.name));
    const outage = uploads.filter((u) => u.at > phase.stopDone && u.at < phase.startAt);
    const afterBack = all.filter((a) => a.at > phase.backAt + 1_000);
    figure('s3 restart: timeline', `stop begun ${(phase.stoppedAt / 1000).toFixed(1)}s, down ${(phase.stopDone / 1000).toFixed(1)}s, start begun ${(phase.startAt / 1000).toFixed(1)}s, serving ${(phase.backAt / 1000).toFixed(1)}s`);
    figure('s3 restart: uploads', `${JSON.stringify(tally(uploads))} (while down: ${JSON.stringify(tally(outage))})`);
    figure('s3 restart: reads', JSON.stringify(tally(reads)));
    figure('s3 restart: 5xx without 503 + Retry-After, or no answer', unclean.length);
    figure('s3 restart: stored', `${stored.length} artifacts, ${stored.filter((s) => s.versions !== 1).length} without exactly one version, ${missing.length} blobs missing; ${answered201.length} answered 201, ${failedButStored.length} answered non-201 but stored`);
    figure('s3 restart: after it came back (+1 s)', `${JSON.stringify(tally(afterBack))}; fresh upload ${after.status}`);
    if (unclean.length > 0 || all.some((a) => !expected(a))) console.info(errorLines(gateway, 8).join('\n'));

    // The outage hit uploads, and each failed with 503 + Retry-After (no 500, no cut connection).
    expect(outage.length).toBeGreaterThan(0);
    expect(outage.every((u) => u.status === 503)).toBe(true);
    expect(unclean).toEqual([]);
    expect(all.filter((a) => !expected(a))).toEqual([]);
    // Nothing half-visible: stored artifacts have their version and all their blobs; failed uploads left no row.
    expect(stored.every((s) => s.versions === 1)).toBe(true);
    expect(missing).toEqual([]);
    expect(answered201.every((name) => storedNames.has(name))).toBe(true);
    expect(failedButStored).toEqual([]);
    // Later uploads succeed, from the same gateway process.
    expect(afterBack.length).toBeGreaterThan(0);
    expect(afterBack.filter((a) => a.status === 503 || !expected(a))).toEqual([]);
    expect(after.status).toBe(201);
  });
});
