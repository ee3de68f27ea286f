import { createTestSchemaName, queryRows, serviceTestEnv, spawnService, testInfra, type SpawnedService } from '@modelguard/testing';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD_VARIANTS } from '@modelguard/gateway-feature';
import { ContractClient, loginAsAdmin, type CreatedArtifact } from '@modelguard/gateway-feature/testing';

/**
 * The real gateway process (dist/apps/gateway/src/main.js = observability/register + bootstrapService(GatewayModule))
 * on its own Postgres database, with no other service running: what an operator starts. Every response is checked
 * against the OpenAPI documents.
 */
describe('gateway process (registry e2e)', () => {
  const database = createTestSchemaName('gateway_e2e');
  let gateway: SpawnedService;
  let client: ContractClient;
  let dataDir: string;
  let token: string;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: resolve(__dirname, '../..'), encoding: 'utf8', timeout: 600_000 });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    await queryRows(testInfra.databaseUrl, `CREATE DATABASE "${database}"`);
    dataDir = await mkdtemp(join(tmpdir(), 'gateway-e2e-'));
    const url = new URL(testInfra.databaseUrl);
    url.pathname = `/${database}`;
    gateway = await spawnService(
      'gateway',
      // HTTP_PORT unset: serviceTestEnv's '0' would make spawnService poll port 0; it picks a free port itself. No
      // ingest service runs here, so a create always waits out GATEWAY_INGEST_WAIT_MS before its 202: 0.5 s, not 10.
      serviceTestEnv({ DATABASE_URL: url.toString(), DATA_DIR: dataDir, STORAGE_ROOT: join(dataDir, 'blobs'), PUBLIC_URL: 'http://registry.example', HTTP_PORT: undefined, GATEWAY_INGEST_WAIT_MS: '500' }),
    );
    client = new ContractClient(gateway.url);
    token = await loginAsAdmin(client);
  }, 600_000);

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await queryRows(testInfra.databaseUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves health, tracks, the specs and the docs page', async () => {
    expect((await client.call('GET', '/health')).status).toBe(200);
    expect((await client.call('GET', '/tracks')).status).toBe(200);
    expect((await client.call('GET', '/openapi.yaml')).status).toBe(200);
    expect((await client.call('GET', '/docs')).status).toBe(200);
  });

  it('logs the default admin in with every known password spelling; rejects others', async () => {
    for (const password of DEFAULT_ADMIN_PASSWORD_VARIANTS) expect(await loginAsAdmin(client, password)).toMatch(/^bearer /);
    const bad = await client.call('PUT', '/authenticate', { json: { user: { name: DEFAULT_ADMIN_NAME, is_admin: true }, secret: { password: 'guess' } } });
    expect(bad.status).toBe(401);
    expect((await client.call('POST', '/artifacts', { json: [{ name: '*' }] })).status).toBe(403);
  });

  it('registers an artifact with no ingest service running: 202, readable, gated, then reset', async () => {
    const created = await client.call<CreatedArtifact>('POST', '/artifact/dataset', { token, json: { url: 'https://www.kaggle.com/datasets/hliang001/flickr2k' } });
    expect(created.status).toBe(202);
    const { id, name } = created.body.metadata;
    expect(name).toBe('flickr2k');
    expect(created.body.data.download_url).toBe(`http://registry.example/artifacts/dataset/${id}/download`);
    expect((await client.call('GET', `/artifacts/dataset/${id}`, { token })).status).toBe(200);
    expect((await client.call<unknown[]>('GET', '/artifact/byName/flickr2k', { token })).body).toHaveLength(1);
    expect((await client.call<unknown[]>('POST', '/artifact/byRegEx', { token, json: { regex: 'flickr' } })).body).toHaveLength(1);
    const download = await client.call('GET', `/artifacts/dataset/${id}/download`, { token });
    expect(download.status).toBe(409);
    expect(download.headers.get('retry-after')).toBeTruthy();
    const outbox = await queryRows<{ topic: string }>(new URL(`/${database}`, testInfra.databaseUrl).toString(), `SELECT topic FROM gateway.outbox ORDER BY topic`);
    expect(outbox.map((r) => r.topic)).toContain('registry.artifact-created.v1');

    expect((await client.call('DELETE', '/reset', { token })).status).toBe(200);
    expect((await client.call<unknown[]>('POST', '/artifacts', { token, json: [{ name: '*' }] })).body).toEqual([]);
  }, 60_000);
});
