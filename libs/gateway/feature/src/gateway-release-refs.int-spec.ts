import { Topic } from '@modelguard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AliasArtifactView } from './releases/alias-reads.service';
import type { AliasView, ReleaseRequestView } from './releases/release-views';
import { registerUser, type Session } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';

const REPO = 'acme/release-refs';
const counts = { info: 0, warning: 0, error: 0, critical: 0 };

/**
 * Reading a model through its release alias (issue 17): `/artifacts/model/{id}@{alias}` and its download, and the
 * Hugging Face mirror's revisions named by an alias, follow the alias through a promotion and a rollback, over the
 * real gateway on real Postgres. The alias is moved through the ordinary request → approval path.
 */
describe('gateway {id}@{alias} references and HF revisions by alias', () => {
  let app: GatewayTestApp;
  let admin: string;
  let owner: Session;
  let approver: Session;
  let searcher: Session;
  let id: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const scanned = (version: string) =>
    app.publish(Topic.ScanCompleted, { artifactId: id, artifactType: 'model', name: REPO, version, verdict: 'clean', reportId: `r-${version}`, findingCounts: counts }, id);
  /** One approver with upload permission, no rating threshold: the test is about reading, not the policy. */
  const promote = async (version: string): Promise<void> => {
    const req = await call<ReleaseRequestView>('POST', `/artifacts/model/${id}/aliases/production/requests`, { token: owner.token, json: { version } });
    expect(req.status, req.raw.toString()).toBe(201);
    const ok = await call<ReleaseRequestView>('POST', `/artifacts/model/${id}/release-requests/${req.body.id}/approve`, { token: approver.token });
    expect([ok.status, ok.body.state], ok.raw.toString()).toEqual([200, 'applied']);
  };
  const served = async (ref: string, token = owner.token): Promise<string | number> => {
    const res = await call(`GET`, `/artifacts/model/${ref}/download`, { token });
    return res.status === 200 ? `${res.headers.get('x-modelguard-version')}@${res.headers.get('x-modelguard-alias')}` : res.status;
  };
  /** What the mirror's `revision` answers: the version key of the version it resolved. */
  const hfRevision = async (revision: string): Promise<{ status: number; sha?: string; version?: string | null }> => {
    const info = await call<{ sha: string }>('GET', `/api/models/${REPO}/revision/${revision}`);
    if (info.status !== 200) return { status: info.status };
    const file = await call('GET', `/${REPO}/resolve/${revision}/README.md`);
    expect(file.status, file.raw.toString()).toBe(200);
    expect(file.headers.get('x-repo-commit')).toBe(info.body.sha);
    return { status: 200, sha: info.body.sha, version: file.headers.get('x-modelguard-version') };
  };

  beforeAll(async () => {
    app = await startGatewayTestApp({
      gateway: {
        hfMirror: { anonymous: true, waitMs: 2_000, allow: [], deny: [] },
        releases: { policies: { production: { approvals: 1, approverPermission: 'upload', minNetScore: null, allowOverriddenScan: false } } },
      },
    });
    admin = await loginAsAdmin(app.client);
    owner = await registerUser(app.client, admin, 'refs-owner', ['upload', 'download', 'search']);
    approver = await registerUser(app.client, admin, 'refs-approver', ['upload', 'download', 'search']);
    searcher = await registerUser(app.client, admin, 'refs-searcher', ['search']);
    // Ingested from the Hub (the test's fake ingest), so the mirror finds it by its upstream URL; 2.0.0 is uploaded.
    const created = await call<CreatedArtifact>('POST', '/artifact/model', { token: owner.token, json: { url: `https://huggingface.co/${REPO}` } });
    expect(created.status, created.raw.toString()).toBe(201);
    id = created.body.metadata.id;
    const zip = await buildZip({ 'README.md': '# 2.0.0', 'model.safetensors': Buffer.from('weights 2.0.0') });
    const put = await call('PUT', `/artifacts/model/${id}/package?version=2.0.0`, { token: owner.token, rawBody: zip, contentType: 'application/zip' });
    expect(put.status, put.raw.toString()).toBe(200);
    await scanned('1.0.0');
    await scanned('2.0.0');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('@production serves the promoted version, the next promotion, then the rolled-back one; bad references are 4xx', async () => {
    const never = await call<{ error: string }>('GET', `/artifacts/model/${id}@production`, { token: owner.token });
    expect([never.status, never.body.error]).toEqual([404, `model ${id} has no alias production`]);
    await promote('1.0.0');
    const described = await call<AliasArtifactView>('GET', `/artifacts/model/${id}@production`, { token: searcher.token });
    expect(described.status, described.raw.toString()).toBe(200);
    expect(described.body).toMatchObject({
      metadata: { id, type: 'model' },
      data: { url: `https://huggingface.co/${REPO}`, download_url: `http://registry.test/artifacts/model/${id}@production/download` },
      alias: { name: 'production', version: '1.0.0', version_key: '1.0.0' },
    });
    expect(await served(`${id}@production`)).toBe('1.0.0@production');

    await promote('2.0.0');
    expect((await call<AliasArtifactView>('GET', `/artifacts/model/${id}@production`, { token: owner.token })).body.alias.version).toBe('2.0.0');
    expect(await served(`${id}@production`)).toBe('2.0.0@production');

    const rolled = await call<AliasView>('POST', `/artifacts/model/${id}/aliases/production/rollback`, { token: owner.token });
    expect([rolled.status, rolled.body.version]).toEqual([200, '1.0.0']);
    expect(await served(`${id}@production`)).toBe('1.0.0@production');
    // The plain spellings are untouched: latest, and the alias's own route.
    expect((await call('GET', `/artifacts/model/${id}/download`, { token: owner.token })).headers.get('x-modelguard-version')).toBe('2.0.0');
    expect(await served(`${id}/aliases/production`)).toBe('1.0.0@production');

    const unknown = await call<{ error: string }>('GET', `/artifacts/model/${id}@nope/download`, { token: owner.token });
    expect([unknown.status, unknown.body.error]).toEqual([404, `model ${id} has no alias nope`]);
    const unpromoted = await call('POST', `/artifacts/model/${id}/aliases/staging/requests`, { token: owner.token, json: { version: '2.0.0' } });
    expect(unpromoted.status).toBe(201);
    const pending = await call<{ error: string }>('GET', `/artifacts/model/${id}@staging`, { token: owner.token });
    expect([pending.status, pending.body.error]).toEqual([404, `alias staging of model ${id} points at no version yet (no promotion has been applied)`]);
    expect((await call('GET', `/artifacts/model/0000unknown@production`, { token: owner.token })).status).toBe(404);
    for (const bad of [`${id}@Production`, `${id}@bad_alias`, `${id}@a@b`, `${id}@`]) {
      expect((await call('GET', `/artifacts/model/${bad}`, { token: owner.token })).status, bad).toBe(400);
      expect((await call('GET', `/artifacts/model/${bad}/download`, { token: owner.token })).status, bad).toBe(400);
    }
  });

  it('has the alias route permissions: download needs `download`, a deployment token reads only its own alias', async () => {
    expect(await served(`${id}@production`, searcher.token)).toBe(403);
    const minted = await call<{ token: string }>('POST', `/artifacts/model/${id}/aliases/production/deployment-tokens`, { token: owner.token, json: {} });
    expect(minted.status, minted.raw.toString()).toBe(201);
    const deploy = minted.body.token;
    expect(await served(`${id}@production`, deploy)).toBe('1.0.0@production');
    expect(await served(`${id}@staging`, deploy)).toBe(403);
    expect((await call('GET', `/artifacts/model/${id}@production`, { token: deploy })).status).toBe(403);
    const pulls = await call<Array<{ version: string }>>('GET', `/artifacts/model/${id}/aliases/production/deployment-pulls`, { token: owner.token });
    expect(pulls.body.map((p) => p.version)).toEqual(['1.0.0']);
  });

  it('the HF mirror resolves an alias used as a revision (info, resolve, tree), following its moves', async () => {
    const main = await hfRevision('main');
    expect(main.version).toBe('2.0.0');
    const production = await hfRevision('production');
    expect(production).toMatchObject({ status: 200, version: '1.0.0' });
    expect(production.sha).toBe((await hfRevision('1.0.0')).sha);
    const tree = await call<Array<{ path: string }>>('GET', `/api/models/${REPO}/tree/production`);
    expect(tree.status, tree.raw.toString()).toBe(200);
    expect(tree.body.map((e) => e.path)).toContain('config.json');

    // The promoted aliases list as branches beside main (the never-promoted `staging` does not).
    const refs = await call<{ branches: Array<{ name: string; targetCommit: string }> }>('GET', `/api/models/${REPO}/refs`);
    expect(refs.body.branches.map((b) => [b.name, b.targetCommit])).toEqual([
      ['main', main.sha],
      ['production', production.sha],
    ]);

    await promote('2.0.0');
    expect(await hfRevision('production')).toEqual(main);
    // An alias that does not exist (or was never promoted) is the Hub's "revision not found".
    expect((await hfRevision('nope')).status).toBe(404);
    expect((await hfRevision('staging')).status).toBe(404);
  });
});
