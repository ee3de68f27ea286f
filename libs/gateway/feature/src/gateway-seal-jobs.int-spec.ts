import { Topic } from '@modelguard/contracts';
import { recentLogs } from '@modelguard/observability';
import { createBlobStore, type SelectiveEncryptionBlobStore } from '@modelguard/storage';
import { expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip, sha256 } from '../test/zip-test-utils';
import { SealJobStore } from './encryption/seal-job.store';
import { SealWorker } from './encryption/seal-worker.service';

interface JobRow {
  id: string;
  owner: string;
  status: string;
  attempts: number;
  generation: number;
}

/**
 * Issue 11.3: sealing a sensitive model's blobs is a leased job (encryption/seal-*.ts), not work done inside the
 * event handler's inbox transaction. Real Postgres, a real encrypting file store; the worker is driven by hand
 * (autoStart off) so the tests can hold it back, and a short lease lets a dead worker's job be taken over quickly.
 */
describe('sealing sensitive models as leased jobs', () => {
  const root = mkdtempSync(join(tmpdir(), 'mg-gw-seal-'));
  const store = createBlobStore({ driver: 'fs', root, encryption: { mode: 'sensitive', kek: randomBytes(32).toString('base64') } }) as SelectiveEncryptionBlobStore;
  const jobs = new SealJobStore();
  let app: GatewayTestApp;
  let worker: SealWorker;
  let token: string;

  beforeAll(async () => {
    app = await startGatewayTestApp({
      blobStore: store,
      // Warnings on: the takeover line (a warning) is asserted through the process's recent-log buffer.
      env: { MAX_UPLOAD_BYTES: '5000000', LOG_LEVEL: 'warn' },
      gateway: { sealWorker: { workerId: 'sealer-a', leaseMs: 1_000, heartbeatMs: 250, pollMs: 100, autoStart: false } },
    });
    worker = app.service.app.get(SealWorker);
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Uploads a model with the given weight files; returns its id and the sha256 of every blob it lists. */
  const upload = async (name: string, weights: Buffer[]): Promise<{ id: string; shas: string[] }> => {
    const files = Object.fromEntries(weights.map((w, i) => [`w${i}.bin`, w]));
    const up = await app.client.call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}`, { token, rawBody: await buildZip({ 'README.md': `# ${name}`, ...files }), contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const id = up.body.metadata.id;
    // Its events handled (the test ingest handler writes to the store too) before a test breaks the store.
    await app.broker.whenIdle();
    const rows: { files: { sha256: string }[]; manifest_sha256: string | null; readme_sha256: string | null }[] = await app.dataSource.query(
      `SELECT files, manifest_sha256, readme_sha256 FROM "${app.schema}".artifact_versions WHERE artifact_id = $1`,
      [id],
    );
    const shas = rows.flatMap((r) => [...r.files.map((f) => f.sha256), r.manifest_sha256, r.readme_sha256]).filter((s): s is string => s !== null);
    expect(shas).toEqual(expect.arrayContaining(weights.map(sha256)));
    return { id, shas: [...new Set(shas)] };
  };
  const jobsOf = (id: string): Promise<JobRow[]> =>
    app.dataSource.query(`SELECT id, owner, status, attempts, generation FROM "${app.schema}".seal_jobs WHERE artifact_id = $1`, [id]);
  const sealedCount = async (shas: string[]): Promise<number> => (await Promise.all(shas.map((s) => store.isSealed(s)))).filter(Boolean).length;
  const markSensitive = async (id: string): Promise<void> => {
    expect((await app.client.call('PUT', `/artifacts/model/${id}/sensitive`, { token })).status).toBe(200);
    await expectEventually(async () => expect(await jobsOf(id)).toHaveLength(1), { timeoutMs: 10_000 });
    await app.broker.whenIdle();
  };

  it('marking a model sensitive records one job (a duplicate event adds none); the worker then seals every blob', async () => {
    const { id, shas } = await upload('seal-once', [randomBytes(40_000), randomBytes(40_000)]);
    await markSensitive(id);
    // The handler only recorded the job: nothing is sealed until a worker claims it.
    expect(await jobsOf(id)).toEqual([expect.objectContaining({ owner: 'sealer-a', status: 'pending', attempts: 0, generation: 0 })]);
    expect(await sealedCount(shas)).toBe(0);

    // The same change announced again (a new event id, so the inbox lets it through): the queued job covers it.
    await app.publish(Topic.SensitivityChanged, { artifactId: id, artifactType: 'model', name: 'seal-once', change: 'marked', programSha256: null, actor: { name: 'admin', isAdmin: true } }, id);
    expect(await jobsOf(id)).toEqual([expect.objectContaining({ status: 'pending', attempts: 0, generation: 0 })]);

    worker.start();
    await expectEventually(async () => expect(await jobsOf(id)).toEqual([expect.objectContaining({ status: 'done', attempts: 1 })]), { timeoutMs: 10_000 });
    expect(await sealedCount(shas)).toBe(shas.length);
    await worker.stop();
  });

  it('a job whose worker died mid-pass is taken over once its lease lapses, and completes once', async () => {
    const weights = [randomBytes(40_000), randomBytes(40_000), randomBytes(40_000)];
    const { id, shas } = await upload('seal-takeover', weights);
    await markSensitive(id);
    // Another replica claims the job once sealer-a's lease on it lapses (sealer-a is stopped), seals one blob, and
    // dies: no heartbeat, no finish.
    const [dead] = await expectEventually(async () => {
      const claimed = await jobs.claim(app.dataSource.manager, 'sealer-dead', 1, 1_000);
      expect(claimed).toHaveLength(1);
      return claimed;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    expect(dead).toMatchObject({ artifactId: id, takenOverFrom: 'sealer-a', attempts: 1 });
    expect(await store.seal(sha256(weights[0]))).toBe(true);

    worker.start();
    await expectEventually(async () => expect(await jobsOf(id)).toEqual([expect.objectContaining({ owner: 'sealer-a', status: 'done', attempts: 2 })]), { timeoutMs: 10_000 });
    expect(await sealedCount(shas)).toBe(shas.length);
    expect(recentLogs.query({ text: `sealing of ${id} taken over from sealer-dead by sealer-a` })).toHaveLength(1);
    // Were the dead worker to come back, the job is no longer its own to finish.
    expect(await jobs.finish(app.dataSource.manager, dead, 'sealer-dead')).toBe('lost');
    await worker.stop();
  });

  it('a request while a pass runs makes it run again (a new version may have missed it); one while queued adds nothing', async () => {
    const { id } = await upload('seal-again', [randomBytes(1_000)]);
    const m = app.dataSource.manager;
    expect(await jobs.request(m, id, 'sealer-b', 1_000)).toBe(true);
    expect(await jobs.request(m, id, 'sealer-b', 1_000)).toBe(false);
    const [running] = await jobs.claim(m, 'sealer-b', 1, 60_000);
    expect(running).toMatchObject({ artifactId: id, generation: 0 });
    expect(await jobs.request(m, id, 'sealer-c', 1_000)).toBe(true);
    expect(await jobsOf(id)).toEqual([expect.objectContaining({ owner: 'sealer-b', status: 'running', generation: 1 })]);
    expect(await jobs.finish(m, running, 'sealer-b')).toBe('again');
    const [again] = await jobs.claim(m, 'sealer-b', 1, 60_000);
    expect(again).toMatchObject({ id: running.id, generation: 1, attempts: 1 });
    expect(await jobs.finish(m, again, 'sealer-b')).toBe('done');
    // A finished job is queued again by the next request (a later version), for the requester.
    expect(await jobs.request(m, id, 'sealer-c', 1_000)).toBe(true);
    expect(await jobsOf(id)).toEqual([expect.objectContaining({ owner: 'sealer-c', status: 'pending', generation: 2, attempts: 0 })]);
    // The job goes with its model.
    expect((await app.client.call('DELETE', `/artifacts/model/${id}`, { token })).status).toBe(200);
    expect(await jobsOf(id)).toEqual([]);
    expect(await jobs.request(m, id, 'sealer-c', 1_000)).toBe(false);
  });

  it('a failed pass is retried after the shared backoff and then completes', async () => {
    const weights = randomBytes(40_000);
    const { id, shas } = await upload('seal-retry', [weights]);
    // The store's scratch directory replaced by a file (a damaged disk): writing the sealed copy fails with an error
    // that is neither "not found" nor "digest mismatch", so the pass fails and is retried.
    const scratch = join(root, 'tmp');
    rmSync(scratch, { recursive: true, force: true });
    writeFileSync(scratch, 'not a directory');
    worker.start();
    await markSensitive(id);
    // Back in the queue with the error and a wait from the shared backoff (both set by one statement, so the wait is
    // next_attempt_at - updated_at): backoffDelay({ initialMs: 1000, jitter: 0.2 }, attempt) = 800..1200 ms × 2^(attempt - 1).
    const [failed] = await expectEventually(async () => {
      const rows: { status: string; attempts: number; last_error: string | null; backoff_ms: number }[] = await app.dataSource.query(
        `SELECT status, attempts, last_error, (extract(epoch FROM next_attempt_at - updated_at) * 1000)::int AS backoff_ms FROM "${app.schema}".seal_jobs WHERE artifact_id = $1`,
        [id],
      );
      expect(rows).toEqual([expect.objectContaining({ status: 'pending', last_error: expect.stringContaining('EEXIST') })]);
      return rows;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    const factor = 2 ** (failed.attempts - 1);
    expect(failed.backoff_ms).toBeGreaterThanOrEqual(800 * factor);
    expect(failed.backoff_ms).toBeLessThanOrEqual(1_200 * factor);
    expect(await sealedCount(shas)).toBe(0);
    rmSync(scratch);
    await expectEventually(async () => expect(await jobsOf(id)).toEqual([expect.objectContaining({ status: 'done', attempts: failed.attempts + 1 })]), { timeoutMs: 10_000 });
    expect(await sealedCount(shas)).toBe(shas.length);
  });

  it('the graceful shutdown (SIGTERM) stops the sealing worker and hands its queued jobs over at once', async () => {
    // Runs last: it shuts the app down. A job of sealer-a waiting out a retry backoff, its lease a minute long.
    const { id } = await upload('seal-shutdown', [randomBytes(1_000)]);
    // Queued and put off in one transaction: the worker (still polling since the test above) must never see the job
    // claimable. Two separate statements let it claim the job in between, now and then (a CI run, 7 December).
    await app.dataSource.transaction(async (m) => {
      expect(await jobs.request(m, id, 'sealer-a', 60_000)).toBe(true);
      await m.query(`UPDATE "${app.schema}".seal_jobs SET next_attempt_at = now() + interval '1 hour' WHERE artifact_id = $1`, [id]);
    });
    expect(worker.activeJobs).toBe(0);
    await app.service.close();
    const [job] = await queryRows<{ status: string; released: boolean }>(
      testInfra.databaseUrl,
      `SELECT status, lease_expires_at <= now() AS released FROM "${app.schema}".seal_jobs WHERE artifact_id = $1`,
      [id],
    );
    expect(job).toEqual({ status: 'pending', released: true });
  });
});
