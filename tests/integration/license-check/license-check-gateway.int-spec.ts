import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayFeatureModule } from '@modelguard/gateway-feature';
import { ContractClient, buildZip, loginAsAdmin, type CreatedArtifact } from '@modelguard/gateway-feature/testing';
import { IngestModule } from '@modelguard/ingest-feature';
import { Query } from '@modelguard/contracts';
import { InternalClient } from '@modelguard/internal-client';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { ScoringModule } from '@modelguard/scoring-feature';
import {
  createTestSchemaName,
  dropSchemas,
  expectEventually,
  type FakeGitHub,
  type FakeHuggingFace,
  queryRows,
  serviceTestEnv,
  startFakeGitHub,
  startFakeHuggingFace,
  testInfra,
} from '@modelguard/testing';
import { Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `POST /artifact/model/{id}/license-check` through the real chain: gateway, ingest and scoring in one process over
 * the in-process broker, each in its own schema, against the fake Hugging Face and GitHub. A model created
 * from the Hub is mirrored by ingest (its license from the Hub's metadata), an uploaded one carries its license in
 * its README; scoring records both, and answers the gateway's LicenseCheck query with the project's license read
 * from the fake GitHub API. Every response is checked against the course spec by the ContractClient (200 is a
 * bare JSON boolean).
 */
describe('license check through the gateway (ingest + scoring, fake upstreams)', () => {
  const schemas = { gateway: createTestSchemaName('lic_gw'), ingest: createTestSchemaName('lic_in'), scoring: createTestSchemaName('lic_sc') };
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-license-it-'));
  const broker = new InProcessBroker();
  let hf: FakeHuggingFace;
  let gh: FakeGitHub;
  const services: RunningService[] = [];
  let client: ContractClient;
  let token: string;
  let bert: string;
  let nonCommercial: string;

  beforeAll(async () => {
    hf = await startFakeHuggingFace();
    gh = await startFakeGitHub({
      repos: [
        'google-research/bert',
        'openai/whisper',
        'modelguard-fixtures/finetune-recipes',
        { fullName: 'acme/gpl2-trainer', license: { key: 'gpl-2.0', name: 'GNU General Public License v2.0', spdx_id: 'GPL-2.0' }, files: { LICENSE: 'GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n', 'train.py': 'print(1)\n' } },
        { fullName: 'acme/no-license', license: null, files: { 'README.md': '# Scripts\n', 'train.py': 'print(1)\n' } },
      ],
    });
    const env = serviceTestEnv({
      DATA_DIR: dataDir,
      // One blob store for all three, as in embedded mode: scoring reads uploaded READMEs from it.
      STORAGE_ROOT: join(dataDir, 'blobs'),
      HF_ENDPOINT: hf.url,
      GITHUB_API_URL: gh.url,
      UPSTREAM_ALLOW_PRIVATE: 'true',
      UPSTREAM_REQUEST_TIMEOUT_MS: '5000',
      GATEWAY_RATING_GATE: 'false',
    });
    const common = { httpPort: 0, inProcessBroker: broker, shutdownHooks: false, exitOnConfigError: false };
    const scoring = await bootstrapService({ ...common, env, service: 'scoring', module: ScoringModule.forService({ schema: schemas.scoring, relayPollMs: 50 }) });
    services.push(scoring);
    services.push(await bootstrapService({ ...common, env, service: 'ingest', module: IngestModule.forService({ schema: schemas.ingest }) }));
    @Module({ imports: [GatewayFeatureModule.forRoot({ schema: schemas.gateway, gateway: { tmpDir: join(dataDir, 'gateway-tmp') } })] })
    class GatewayRoot {}
    services.push(await bootstrapService({ ...common, env: { ...env, SCORING_URL: scoring.url }, service: 'gateway', module: GatewayRoot }));
    client = new ContractClient(services[2].url);
    token = await loginAsAdmin(client);

    const created = await client.call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/google-bert/bert-base-uncased' } });
    expect(created.status, created.raw.toString()).toBe(201);
    bert = created.body.metadata.id;
    const readme = '# Audience classifier\n\nA small text classifier.\n\n## License\n\nFree for research only; commercial use is not permitted (CC BY-NC 4.0).\n';
    const uploaded = await client.call<CreatedArtifact>('POST', '/artifact/model/package?name=audience-classifier', {
      token,
      rawBody: await buildZip({ 'README.md': readme, 'config.json': '{"model_type": "bert"}' }),
      contentType: 'application/zip',
    });
    expect(uploaded.status, uploaded.raw.toString()).toBe(201);
    nonCommercial = uploaded.body.metadata.id;
    // Scoring records the stored packages from their events; the check judges what it recorded.
    await expectEventually(
      async () => {
        const rows = await queryRows<{ artifact_id: string }>(testInfra.databaseUrl, `SELECT artifact_id FROM "${schemas.scoring}".scored_artifact WHERE artifact_id = ANY($1)`, [
          [bert, nonCommercial],
        ]);
        expect(rows).toHaveLength(2);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }, 120_000);

  afterAll(async () => {
    for (const service of [...services].reverse()) await service.close().catch(() => undefined);
    await hf?.close();
    await gh?.close();
    await dropSchemas(testInfra.databaseUrl, Object.values(schemas));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const check = (id: string, body: unknown, opts: { token?: string | null } = {}) =>
    client.call('POST', `/artifact/model/${id}/license-check`, { token: opts.token === null ? undefined : (opts.token ?? token), json: body });

  it('answers a bare JSON boolean from the table: Apache-2.0 model with Apache-2.0, NOASSERTION-but-MIT and GPL-2.0 code', async () => {
    const same = await check(bert, { github_url: 'https://github.com/google-research/bert' });
    expect([same.status, same.raw.toString()]).toEqual([200, 'true']);
    expect(same.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await check(bert, { github_url: 'https://github.com/modelguard-fixtures/finetune-recipes' })).body).toBe(true);
    expect((await check(bert, { github_url: 'https://github.com/modelguard-fixtures/finetune-recipes/tree/main/third_party' })).body).toBe(true);
    // Apache-2.0's patent terms are further restrictions GPL-2.0 does not allow.
    const gpl2 = await check(bert, { github_url: 'https://github.com/acme/gpl2-trainer.git' });
    expect([gpl2.status, gpl2.body]).toEqual([200, false]);
  });

  it('is false for a non-commercial model (README License heading of an upload) and for code without a license', async () => {
    expect((await check(nonCommercial, { github_url: 'https://github.com/openai/whisper' })).body).toBe(false);
    expect((await check(bert, { github_url: 'https://github.com/acme/no-license' })).body).toBe(false);
  });

  it('answers 404 for an unknown model, a non-model id and a GitHub project that does not exist', async () => {
    expect((await check('no-such-model', { github_url: 'https://github.com/google-research/bert' })).status).toBe(404);
    const code = await client.call<CreatedArtifact>('POST', '/artifact/code', { token, json: { url: 'https://github.com/openai/whisper' } });
    expect(code.status, code.raw.toString()).toBe(201);
    expect((await check(code.body.metadata.id, { github_url: 'https://github.com/google-research/bert' })).status).toBe(404);
    const missing = await check(bert, { github_url: 'https://github.com/nobody/nothing' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'the GitHub project nobody/nothing does not exist (or is private)' });
  });

  it('answers 400 for a malformed body or id, before looking anything up', async () => {
    const bad: unknown[] = [
      {},
      [],
      { github_url: 42 },
      { url: 'https://github.com/google-research/bert' },
      { github_url: 'http://github.com/google-research/bert' },
      { github_url: 'https://gitlab.com/google-research/bert' },
      { github_url: 'https://github.com.evil.example/google-research/bert' },
      { github_url: 'https://user:pw@github.com/google-research/bert' },
      { github_url: 'https://github.com:8443/google-research/bert' },
      { github_url: 'https://github.com/google-research' },
      { github_url: 'https://github.com/orgs/google-research' },
      { github_url: 'https://github.com/google-research/bert?tab=readme' },
      { github_url: 'https://github.com/google-research/bert/blob/master/LICENSE' },
      { github_url: 'https://github.com/-bad-/bert' },
      { github_url: `https://github.com/google-research/${'x'.repeat(101)}` },
    ];
    for (const body of bad) expect((await check(bert, body)).status, JSON.stringify(body)).toBe(400);
    const raw = await client.call('POST', `/artifact/model/${bert}/license-check`, { token, rawBody: '{"github_url": ', contentType: 'application/json' });
    expect(raw.status).toBe(400);
    expect((await check('bad_id!', { github_url: 'https://github.com/google-research/bert' })).status).toBe(400);
    expect((await check(bert, { github_url: 'https://github.com/google-research/bert' }, { token: null })).status).toBe(403);
  });

  it('answers 502 when GitHub is rate limited or does not answer in time, and 200 again once it is back', async () => {
    gh.failWith('rate-limited');
    const limited = await check(bert, { github_url: 'https://github.com/google-research/bert' });
    expect(limited.status).toBe(502);
    expect((limited.body as { error: string }).error).toMatch(/rate limit/);
    gh.clearFailures();
    gh.failWith('hang', '/license');
    const started = Date.now();
    expect((await check(bert, { github_url: 'https://github.com/google-research/bert' })).status).toBe(502);
    expect(Date.now() - started).toBeLessThan(10_000);
    gh.clearFailures();
    expect((await check(bert, { github_url: 'https://github.com/google-research/bert' })).body).toBe(true);
  });

  it("the scoring service's LicenseCheck answer names the table row, its reason and where each license was read", async () => {
    const internal = new InternalClient({ baseUrls: { scoring: services[0].url }, timeoutMs: 10_000 });
    const { body } = await internal.query(Query.LicenseCheck, { id: nonCommercial, githubUrl: 'https://github.com/modelguard-fixtures/finetune-recipes' });
    expect(body).toEqual({
      outcome: 'checked',
      compatible: false,
      rule: 'model-non-commercial',
      reason: expect.stringMatching(/cc-by-nc-4\.0 reserves commercial use/),
      modelLicense: { id: 'cc-by-nc-4.0', source: 'the README License section' },
      codeLicense: { id: 'mit', source: 'the text of LICENSE (GitHub: NOASSERTION)' },
    });
    const hub = await internal.query(Query.LicenseCheck, { id: bert, githubUrl: 'https://github.com/google-research/bert' });
    expect(hub.body).toMatchObject({ outcome: 'checked', rule: 'both-permissive', modelLicense: { id: 'apache-2.0' }, codeLicense: { id: 'apache-2.0' } });
    await expect(internal.query(Query.LicenseCheck, { id: 'never-stored', githubUrl: 'https://github.com/google-research/bert' })).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('answers 502 when the scoring service cannot be reached', async () => {
    await services[0].close();
    expect((await check(bert, { github_url: 'https://github.com/google-research/bert' })).status).toBe(502);
  });
});
