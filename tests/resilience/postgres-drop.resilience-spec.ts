import type { SpawnedService } from '@modelguard/testing';
import { queryRows, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../e2e-kafka/support/build-once';
import { createDistributedRun, type DistributedRun } from '../e2e-kafka/support/distributed-env';
import { figure, sleep } from './support/cluster';
import { type Answer, errorLines, startGateway, storedUploads, tally, upload, uploadLoad } from './support/gateway-load';

/** Uploads (each followed by a read) from WORKERS loops for LOAD_MS; the gateway's backends are terminated in bursts. */
const LOAD_MS = 14_000;
const WORKERS = 3;
/** Each burst terminates every backend of the run's database every BURST_EVERY_MS for BURST_MS. */
const BURSTS_AT_MS = [3_000, 8_000];
const BURST_MS = 1_500;
const BURST_EVERY_MS = 100;

describe('PostgreSQL connections dropped under load: 503 + Retry-After, no partial state, recovery without a restart', () => {
  let run: DistributedRun;
  let gateway: SpawnedService | undefined;

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
  });

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await run?.dispose();
  });

  it('answers 503 with Retry-After (never 500) while backends die, commits uploads whole or not at all, and recovers', async () => {
    const started = await startGateway(run);
    gateway = started.gateway;
    const { token } = started;
    const dbName = new URL(run.databaseUrl).pathname.slice(1);
    const prefix = `rp-${run.id}`;

    // The admin connection terminates every other backend on the run's database (the gateway's pool, its relay).
    let terminated = 0;
    const terminateAll = async () => {
      const [row] = await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
      terminated += row.n;
    };
    const t0 = Date.now();
    const chaos = (async () => {
      for (const at of BURSTS_AT_MS) {
        await sleep(Math.max(0, at - (Date.now() - t0)));
        const until = Date.now() + BURST_MS;
        while (Date.now() < until) {
          await terminateAll();
          await sleep(BURST_EVERY_MS);
        }
      }
    })();
    const { uploads, reads } = await uploadLoad(gateway.url, token, prefix, WORKERS, LOAD_MS);
    await chaos;
    const lastBurstEnd = BURSTS_AT_MS[BURSTS_AT_MS.length - 1] + BURST_MS;

    // Recovery: the same process, no restart, serves a fresh upload and a read.
    const after = await upload(gateway.url, token, `${prefix}-after`);
    const stored = await storedUploads(run.databaseUrl, prefix);
    const storedNames = new Set(stored.map((s) => s.name));
    const answered201 = uploads.filter((u) => u.status === 201).map((u) => u.name);
    const failedButStored = uploads.filter((u) => u.status !== 201 && storedNames.has(u.name)).map((u) => u.name);
    const all: Answer[] = [...uploads, ...reads];
    const unclean = all.filter((a) => (a.status === 0 || a.status >= 500) && !(a.status === 503 && /^\d+$/.test(a.retryAfter ?? '')));
    const afterBursts = all.filter((a) => a.at > lastBurstEnd + 1_000);
    // A read answers 404 only for a name whose upload failed (nothing to find); everything else is 2xx or 503.
    const expected = (a: Answer) => [200, 201, 503].includes(a.status) || (a.status === 404 && !answered201.includes(a.name));
    figure('postgres drop: backends terminated', `${terminated} in ${BURSTS_AT_MS.length} bursts of ${BURST_MS / 1000}s (every ${BURST_EVERY_MS} ms) during ${LOAD_MS / 1000}s of load from ${WORKERS} upload+read loops`);
    figure('postgres drop: uploads', JSON.stringify(tally(uploads)));
    figure('postgres drop: reads', JSON.stringify(tally(reads)));
    figure('postgres drop: 5xx without 503 + Retry-After, or no answer', unclean.length);
    figure('postgres drop: stored', `${stored.length} artifacts, ${stored.filter((s) => s.versions === 0).length} without a version; ${answered201.length} answered 201, ${failedButStored.length} answered non-201 but stored`);
    figure('postgres drop: after the last burst', `${JSON.stringify(tally(afterBursts))}; fresh upload ${after.status}`);

    if (unclean.length > 0) console.info([...errorLines(gateway), gateway.output().slice(-3000)].join('\n'));

    expect(terminated).toBeGreaterThan(0);
    // The bursts hit requests: some answered 503, each with Retry-After, none 500 or cut off.
    expect(all.some((a) => a.status === 503)).toBe(true);
    expect(unclean).toEqual([]);
    expect(all.filter((a) => !expected(a))).toEqual([]);
    // No partial state: an upload is either fully stored (artifact with its version) and answered 201, or absent.
    expect(stored.every((s) => s.versions === 1)).toBe(true);
    expect(answered201.every((name) => storedNames.has(name))).toBe(true);
    expect(failedButStored).toEqual([]);
    // Recovery without a restart: everything after the bursts succeeds, the fresh upload included.
    expect(afterBursts.length).toBeGreaterThan(0);
    expect(afterBursts.filter((a) => a.status === 503 || !expected(a))).toEqual([]);
    expect(after.status).toBe(201);
    expect(gateway.child.exitCode).toBeNull();
  });
});
