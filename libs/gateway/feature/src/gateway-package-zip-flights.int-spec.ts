import { Topic } from '@modelguard/contracts';
import { parsePrometheusText, sampleSum } from '@modelguard/observability';
import { expectEventually } from '@modelguard/testing';
import { randomBytes } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip, sha256 } from '../test/zip-test-utils';

/**
 * Issue 13: simultaneous first downloads of a fresh version share one assembly of its zip (packages/build-flights.ts),
 * observed through the gateway's own /metrics and the package_zips rows, on real Postgres and a real fs blob store.
 */
describe('gateway package zip builds under concurrent first downloads', () => {
  let app: GatewayTestApp;
  let token: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const rows = async (artifactId: string): Promise<{ zip_sha256: string }[]> =>
    app.dataSource.query(`SELECT zip_sha256 FROM "${app.schema}".package_zips WHERE artifact_id = $1`, [artifactId]);
  const metric = async (name: string): Promise<number> => {
    // One retry on a network error: after seconds of downloads, fetch may reuse a kept-alive connection the server is
    // closing at that very moment (ECONNRESET, fresh-clone CI run 37). A second request opens a new connection.
    const scrape = () => fetch(`${app.service.url}/metrics`).then((res) => res.text());
    const text = await scrape().catch(() => scrape());
    return sampleSum(parsePrometheusText(text), name);
  };
  const upload = async (name: string, weightBytes: number): Promise<string> => {
    const files = { 'README.md': `# ${name}`, 'weights/model.safetensors': randomBytes(weightBytes), 'config.json': '{"a":1}' };
    const up = await call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}`, { token, rawBody: await buildZip(files), contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const ref = { artifactId: up.body.metadata.id, artifactType: 'model' as const, name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: 'r', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, ref.artifactId);
    return ref.artifactId;
  };
  const download = (id: string) => call<Buffer>('GET', `/artifacts/model/${id}/download`, { token });

  beforeAll(async () => {
    // Waiters never give up on a build in these tests (the bound is the slow-leader escape, not what is tested here).
    app = await startGatewayTestApp({ gateway: { zipBuildWaitMs: 600_000 } });
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('assembles the zip once for concurrent first downloads, which all get the same bytes', async () => {
    const id = await upload('flight-model', 2_000_000);
    const builds = await metric('modelguard_package_zip_builds_total');
    const got = await Promise.all([...Array(8)].map(() => download(id)));
    for (const r of got) expect(r.status).toBe(200);
    const first = got[0]?.raw ?? Buffer.alloc(0);
    for (const r of got) expect(r.raw.equals(first)).toBe(true);
    expect(await metric('modelguard_package_zip_builds_total')).toBe(builds + 1);
    const stored = await expectEventually(async () => {
      const r = await rows(id);
      expect(r).toHaveLength(1);
      return r;
    });
    expect(stored[0]?.zip_sha256).toBe(sha256(first));
  });

  it('hands the build to a waiter when the leading client goes away; nobody is left waiting', async () => {
    // Far larger than the loopback socket buffers, so the leader's unread response stalls its build mid-zip.
    const id = await upload('flight-abort-model', 40 << 20);
    const builds = await metric('modelguard_package_zip_builds_total');
    const shared = await metric('modelguard_package_zip_shared_total');
    let leader: ClientRequest | undefined;
    const leaderStatus = new Promise<number>((resolve, reject) => {
      leader = request(`${app.service.url}/artifacts/model/${id}/download`, { headers: { 'X-Authorization': token } }, (res) => {
        res.pause(); // never reads: the build cannot finish before this client is gone
        resolve(res.statusCode ?? 0);
      });
      leader.on('error', reject);
      leader.end();
    });
    expect(await leaderStatus).toBe(200);
    await expectEventually(async () => expect(await metric('modelguard_package_zip_builds_total')).toBe(builds + 1));
    const waiters = [...Array(4)].map(() => download(id));
    await expectEventually(async () => expect(await metric('modelguard_package_zip_build_waiters')).toBe(4), { timeoutMs: 30_000 });
    leader?.destroy();

    const got = await Promise.all(waiters);
    for (const r of got) expect(r.status).toBe(200);
    const first = got[0]?.raw ?? Buffer.alloc(0);
    for (const r of got) expect(r.raw.equals(first)).toBe(true);
    // The leader's build was dropped; exactly one waiter built again and the other three were served its zip.
    expect(await metric('modelguard_package_zip_builds_total')).toBe(builds + 2);
    expect(await metric('modelguard_package_zip_shared_total')).toBe(shared + 3);
    expect(await metric('modelguard_package_zip_build_waiters')).toBe(0);
    const stored = await rows(id);
    expect(stored.map((r) => r.zip_sha256)).toEqual([sha256(first)]);
  }, 120_000);
});
