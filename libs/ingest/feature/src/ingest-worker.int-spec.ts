import { Topic } from '@modelguard/contracts';
import { createEnvelope } from '@modelguard/messaging';
import { DATA_SOURCE } from '@modelguard/persistence';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, testInfra } from '@modelguard/testing';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, type FakeHuggingFace, startFakeGitHub, startFakeHuggingFace } from '@modelguard/testing';
import { type GatedUpstream, startGatedUpstream } from '../test/gated-upstream';
import { jobRow, outcomesFor, publishedFor, timed, within } from '../test/ingest-job-probe';
import { deliver, ingestRequest, type IngestTestApp, startIngestTestApp, storedContent } from '../test/ingest-test-app';
import { type IngestJob, IngestJobStore } from './persistence/ingest-job.store';
import { IngestWorker } from './worker/ingest-worker.service';

const REPOS = ['slow', 'other', 'dup', 'dead', 'reset', 'drain', 'handover'].map((name) => ({
  id: `acme/${name}-model`,
  files: { 'README.md': `# ${name}\nA model card.`, 'config.json': '{"model_type":"bert"}', 'vocab.txt': 'a\nb\nc\n' },
}));
const urlOf = (name: string): string => `https://huggingface.co/acme/${name}-model`;
/** Slow downloads must stay "in flight", not time out: the socket idle timeout is raised for these tests. */
const SLOW_ENV = { UPSTREAM_REQUEST_TIMEOUT_MS: '60000' };

let hf: FakeHuggingFace;
let gh: FakeGitHub;
const cleanups: Array<() => Promise<void>> = [];
const schemas: string[] = [];

beforeAll(async () => {
  hf = await startFakeHuggingFace({ models: REPOS, datasets: [] });
  gh = await startFakeGitHub({ repos: [] });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});
afterAll(async () => {
  await hf?.close();
  await gh?.close();
  await dropSchemas(testInfra.databaseUrl, schemas);
});

/** A proxy in front of the fake Hub that holds the first `holds` file bodies (closed after the test). */
async function gated(holds = 1): Promise<GatedUpstream> {
  const proxy = await startGatedUpstream(hf.url, /\/resolve\//, holds);
  cleanups.push(() => proxy.close());
  return proxy;
}

async function app(hfUrl: string, opts: Parameters<typeof startIngestTestApp>[2] = {}): Promise<IngestTestApp> {
  const started = await startIngestTestApp({ hfUrl, githubUrl: gh.url }, SLOW_ENV, opts);
  cleanups.push(() => started.close());
  return started;
}

function sharedSchema(): string {
  const schema = createTestSchemaName('ingest_wk');
  schemas.push(schema);
  return schema;
}

const infoRequests = (proxy: GatedUpstream, repo: string): number =>
  proxy.requests.filter((p) => p.startsWith(`/api/models/acme/${repo}-model`) && !p.includes('/tree/') && !p.endsWith('/refs')).length;

describe('ingest worker: downloads run outside the message handler transaction (real Postgres)', () => {
  it('commits the request at once and keeps the service responsive while a download is slow', async () => {
    const proxy = await gated();
    const a = await app(proxy.url);
    const request = ingestRequest(urlOf('slow'), 'model');
    await deliver(a.broker, request);
    await proxy.whenHeld();

    // The inbox row (handler transaction) is committed while the body is still held upstream.
    const inbox = await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${a.schema}"."inbox" WHERE event_id = $1`, [request.eventId]);
    expect(inbox[0].n).toBe(1);
    expect(await jobRow(testInfra.databaseUrl, a.schema, request.payload.artifactId)).toMatchObject({ status: 'running', attempts: 1, lease_expired: false });
    // No session of this service sits in an open transaction during the download.
    const open = await queryRows<{ n: number }>(
      testInfra.databaseUrl,
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND query LIKE $1`,
      [`%"${a.schema}"%`],
    );
    expect(open[0].n).toBe(0);
    // Another service's write completes quickly meanwhile.
    const other = sharedSchema();
    await queryRows(testInfra.databaseUrl, `CREATE SCHEMA "${other}"; CREATE TABLE "${other}".note (id serial PRIMARY KEY, body text)`);
    const insertMs = await timed(() => within(5_000, queryRows(testInfra.databaseUrl, `INSERT INTO "${other}".note (body) VALUES ('meanwhile')`), 'insert'));
    expect(insertMs).toBeLessThan(1_000);
    // And the same ingest service still consumes and completes other requests (concurrency 2).
    const quick = ingestRequest('https://www.kaggle.com/datasets/someone/thing', 'dataset');
    await deliver(a.broker, quick);
    await expectEventually(() => expect(publishedFor(a.broker, Topic.PackageStoredV2, quick.payload.artifactId)).toHaveLength(1));
    expect(outcomesFor(a.broker, request.payload.artifactId)).toBe(0);

    proxy.release();
    const stored = await expectEventually(() => {
      const events = publishedFor(a.broker, Topic.PackageStoredV2, request.payload.artifactId);
      expect(events).toHaveLength(1);
      return events[0];
    });
    expect(stored.causationId).toBe(request.eventId);
    expect(stored.correlationId).toBe(request.correlationId);
    expect((await storedContent(a.blobRoot, stored.payload)).files.map((f) => f.path).sort()).toEqual(['README.md', 'config.json', 'vocab.txt']);
    expect(await jobRow(testInfra.databaseUrl, a.schema, request.payload.artifactId)).toMatchObject({ status: 'stored', attempts: 1, claim_token: null });
  });

  it('downloads once for duplicate requests, also when a second instance consumes a duplicate', async () => {
    const proxy = await gated();
    const schema = sharedSchema();
    const a = await app(proxy.url, { schema, settings: { workerId: 'dup-a' } });
    const b = await app(proxy.url, { schema, settings: { workerId: 'dup-b' } });
    const first = ingestRequest(urlOf('dup'), 'model');
    await deliver(a.broker, first);
    await proxy.whenHeld();
    // Redeliveries under new event ids (the gateway retrying, a Kafka rebalance handing the partition to B).
    const dupA = ingestRequest(first.payload.url, 'model', first.payload.artifactId);
    const dupB = ingestRequest(first.payload.url, 'model', first.payload.artifactId);
    await deliver(a.broker, dupA);
    await deliver(b.broker, dupB);
    await a.broker.whenIdle();
    await b.broker.whenIdle();
    proxy.release();
    // Both instances share the schema and so the outbox: either relay may publish A's result (in production both
    // relay to the same Kafka), so the outcome is looked for on both brokers.
    const stored = () => [a.broker, b.broker].flatMap((broker) => publishedFor(broker, Topic.PackageStoredV2, first.payload.artifactId));
    await expectEventually(() => expect(stored()).toHaveLength(1));
    // Give a wrongly queued second job time to show up before asserting there is none.
    await new Promise((r) => setTimeout(r, 500));
    expect(infoRequests(proxy, 'dup')).toBe(1);
    expect(stored()[0].causationId).toBe(first.eventId);
    expect(outcomesFor(a.broker, first.payload.artifactId) + outcomesFor(b.broker, first.payload.artifactId)).toBe(1);
    expect(await jobRow(testInfra.databaseUrl, schema, first.payload.artifactId)).toMatchObject({ status: 'stored', owner: 'dup-a', attempts: 1 });
  });

  it('hands the job of a worker that died mid-download to another instance once its lease lapsed', async () => {
    const proxy = await gated();
    const schema = sharedSchema();
    const leaseMs = 1_500;
    const a = await app(proxy.url, { schema, settings: { workerId: 'dead-a', leaseMs } });
    const request = ingestRequest(urlOf('dead'), 'model');
    await deliver(a.broker, request);
    await proxy.whenHeld();
    const claimedByA = await jobRow(testInfra.databaseUrl, schema, request.payload.artifactId);
    expect(claimedByA).toMatchObject({ status: 'running', owner: 'dead-a', attempts: 1 });
    // "Kill" A: its connections vanish, as when the process dies, so it can neither heartbeat nor finish.
    await a.service.app.get<DataSource>(DATA_SOURCE, { strict: false }).destroy();
    const diedAt = Date.now();

    // B never sees the event (its own broker): it can only find the job through the lapsed lease.
    const b = await app(hf.url, { schema, settings: { workerId: 'dead-b', leaseMs } });
    const stored = await expectEventually(
      () => {
        const events = publishedFor(b.broker, Topic.PackageStoredV2, request.payload.artifactId);
        expect(events).toHaveLength(1);
        return events[0];
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(leaseMs - 500);
    expect(stored.causationId).toBe(request.eventId);
    expect(await jobRow(testInfra.databaseUrl, schema, request.payload.artifactId)).toMatchObject({ status: 'stored', owner: 'dead-b', attempts: 2 });
    // A's stale claim can no longer record anything, and A published nothing even after its body arrives.
    proxy.release();
    const bDataSource = b.service.app.get<DataSource>(DATA_SOURCE, { strict: false });
    const staleClaim: IngestJob = {
      ...request.payload,
      causationId: request.eventId,
      correlationId: request.correlationId,
      owner: 'dead-a',
      claimToken: claimedByA?.claim_token ?? '',
      attempts: 1,
    };
    expect(await new IngestJobStore().finish(bDataSource.manager, staleClaim, { status: 'failed', error: 'late' })).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(outcomesFor(a.broker, request.payload.artifactId)).toBe(0);
  });

  it('publishes nothing for a download that was running when the registry was reset', async () => {
    const proxy = await gated();
    const a = await app(proxy.url);
    const request = ingestRequest(urlOf('reset'), 'model');
    await deliver(a.broker, request);
    await proxy.whenHeld();
    const reset = createEnvelope('gateway', Topic.RegistryReset, { actor: { name: 'admin', isAdmin: true }, resetAt: new Date().toISOString() }, { key: 'registry' });
    // The reset is consumed promptly although a download is in flight (it would wait behind it before).
    await within(5_000, deliver(a.broker, reset).then(() => a.broker.whenIdle()), 'reset handling');
    expect(await jobRow(testInfra.databaseUrl, a.schema, request.payload.artifactId)).toBeUndefined();
    proxy.release();
    await expectEventually(() => expect(a.service.app.get(IngestWorker, { strict: false }).activeJobs).toBe(0));
    expect(outcomesFor(a.broker, request.payload.artifactId)).toBe(0);
    expect(await jobRow(testInfra.databaseUrl, a.schema, request.payload.artifactId)).toBeUndefined();
  });

  it('on shutdown lets an in-flight download finish within the grace period', async () => {
    const proxy = await gated();
    const schema = sharedSchema();
    const a = await app(proxy.url, { schema, settings: { shutdownGraceMs: 10_000 } });
    const request = ingestRequest(urlOf('drain'), 'model');
    await deliver(a.broker, request);
    await proxy.whenHeld();
    const closing = a.close();
    setTimeout(() => proxy.release(), 300);
    await closing;
    expect(await jobRow(testInfra.databaseUrl, schema, request.payload.artifactId)).toMatchObject({ status: 'stored', attempts: 1 });
    // The outcome was committed with its outbox row before the pool closed, and the relay published it.
    const pending = await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."outbox" WHERE published_at IS NULL`);
    expect(pending[0].n + publishedFor(a.broker, Topic.PackageStoredV2, request.payload.artifactId).length).toBe(1);
  });

  it('on shutdown releases a download that outlives the grace period, and another instance takes it at once', async () => {
    const proxy = await gated();
    const schema = sharedSchema();
    const leaseMs = 60_000; // long: only the release, not a lapsed lease, can explain a quick takeover
    const a = await app(proxy.url, { schema, settings: { workerId: 'handover-a', leaseMs, shutdownGraceMs: 200 } });
    const request = ingestRequest(urlOf('handover'), 'model');
    await deliver(a.broker, request);
    await proxy.whenHeld();
    // The held download is cancelled after the 200 ms grace instead of holding the shutdown hostage.
    const closeMs = await timed(() => a.close());
    expect(closeMs).toBeLessThan(3_000);
    expect(a.service.app.get(IngestWorker, { strict: false }).activeJobs).toBe(0);
    expect(await jobRow(testInfra.databaseUrl, schema, request.payload.artifactId)).toMatchObject({ status: 'pending', owner: 'handover-a', claim_token: null, attempts: 1, error: null });
    const b = await app(hf.url, { schema, settings: { workerId: 'handover-b', leaseMs } });
    await expectEventually(() => expect(publishedFor(b.broker, Topic.PackageStoredV2, request.payload.artifactId)).toHaveLength(1), { timeoutMs: 10_000 });
    proxy.release();
    await new Promise((r) => setTimeout(r, 300));
    expect(outcomesFor(a.broker, request.payload.artifactId)).toBe(0);
    expect(await jobRow(testInfra.databaseUrl, schema, request.payload.artifactId)).toMatchObject({ status: 'stored', owner: 'handover-b', attempts: 2 });
  });
});
