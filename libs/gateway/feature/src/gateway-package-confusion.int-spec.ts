import { Topic } from '@modelguard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';
import type { ConfusionFinding } from './confusion/confusion-audit';

const AUDIT = '/artifacts/PackageConfusionAudit';

/** Issue 10 point 3 (name-similarity half) over real HTTP and Postgres: popularity comes from real downloads. */
describe('gateway PackageConfusionAudit', () => {
  let app: GatewayTestApp;
  let admin: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const upload = async (name: string): Promise<CreatedArtifact> => {
    const res = await call<CreatedArtifact>('POST', `/artifact/model/package?name=${encodeURIComponent(name)}`, {
      token: admin,
      rawBody: await buildZip({ 'README.md': `# ${name}` }),
      contentType: 'application/zip',
    });
    expect(res.status).toBe(201);
    const ref = { artifactId: res.body.metadata.id, artifactType: 'model' as const, name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: `r-${name}`, findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, ref.artifactId);
    return res.body;
  };

  beforeAll(async () => {
    app = await startGatewayTestApp();
    admin = await loginAsAdmin(app.client);
  });
  afterAll(async () => app?.close());

  it('lists the typo-squat of a downloaded model, explained, and not its benign sibling', async () => {
    const popular = await upload('whisper-tiny');
    const squat = await upload('whlsper-tiny');
    await upload('whisper-small');
    for (let i = 0; i < 12; i++) expect((await call('GET', `/artifacts/model/${popular.metadata.id}/download`, { token: admin })).status).toBe(200);

    const res = await call<ConfusionFinding[]>('GET', AUDIT, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ id: squat.metadata.id, name: 'whlsper-tiny', type: 'model', looks_like: { id: popular.metadata.id, name: 'whisper-tiny' } });
    expect(res.body[0]!.score).toBeGreaterThan(0.5);
    expect(res.body[0]!.reasons.join(' ')).toMatch(/Damerau-Levenshtein distance 1.*downloaded 12 times, this 0/);
  });

  it('answers 401 to a caller without admin, like /reset', async () => {
    const user = await registerUser(app.client, admin, 'confusion-user', ['upload', 'search', 'download']);
    expect((await call('GET', AUDIT, { token: user.token })).status).toBe(401);
    expect((await call('GET', AUDIT)).status).toBe(403);
  });

  it('audits 10,000 registered names within a bounded time and caps the answer', async () => {
    const s = app.schema;
    // 1,000 popular names with 20 downloads each, and 9,000 others of which a third imitate one of them.
    await app.dataSource.query(
      `INSERT INTO "${s}".artifacts (id, type, name, url, latest_version)
       SELECT 'bulk' || i, 'model',
              CASE WHEN i < 1000 THEN 'family-' || i || '-base-model'
                   WHEN i % 3 = 0 THEN 'family_' || (i % 1000) || '_base_model'
                   ELSE 'unrelated-' || md5(i::text) END,
              'https://huggingface.co/bulk/' || i, '1.0.0'
         FROM generate_series(0, 9999) AS i`,
    );
    await app.dataSource.query(
      `INSERT INTO "${s}".downloads (artifact_id, version, part, actor_name)
       SELECT 'bulk' || i, '1.0.0', 'all', 'seed' FROM generate_series(0, 999) AS i, generate_series(1, 20)`,
    );
    const started = performance.now();
    const res = await call<ConfusionFinding[]>('GET', AUDIT, { token: admin });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(100);
    expect(res.body[0]!.looks_like.name).toMatch(/^family-\d+-base-model$/);
    expect(elapsed).toBeLessThan(5_000);
  });
});
