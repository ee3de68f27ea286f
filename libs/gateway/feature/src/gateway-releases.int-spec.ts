import { Topic, type ScanVerdict } from '@modelguard/contracts';
import { expectEventually } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactSignatureEntity } from './persistence/artifact-signature.entity';
import { ReleaseAliasEntity } from './releases/release.entities';
import type { AliasView, ReleaseRequestView } from './releases/release-views';
import { registerUser, TestClock, type Session } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { sampleRatingComputed } from '../test/rating-fixtures';
import { buildZip } from '../test/zip-test-utils';

type Err = { error: string; code?: string; gate?: string };

/**
 * Release aliases through the real gateway on real Postgres (issue 17): request → approvals → the alias moves →
 * the alias download serves it → rollback serves the old one; every gate refusing in turn, at request time and at
 * the moment of the move; alias-scoped deployment tokens; racing promotions; the bad-input list.
 */
describe('gateway release aliases', () => {
  const clock = new TestClock();
  let app: GatewayTestApp;
  let admin: string;
  let owner: Session;
  let admin2: Session;
  let uploader: Session;
  let reader: Session;
  let id: string;
  const name = 'release-model';
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);

  const addVersion = async (version: string, scan: ScanVerdict | null, score: number | null, license = score): Promise<void> => {
    const zip = await buildZip({ 'README.md': `# ${version}`, 'model.bin': Buffer.from(`weights ${version}`) });
    const res = await call('PUT', `/artifacts/model/${id}/package?version=${version}`, { token: owner.token, rawBody: zip, contentType: 'application/zip' });
    expect(res.status, res.raw.toString()).toBe(200);
    await settle(version, scan, score, license);
  };
  const settle = async (version: string, scan: ScanVerdict | null, score: number | null, license = score): Promise<void> => {
    const ref = { artifactId: id, artifactType: 'model' as const, name };
    if (scan !== null) await app.publish(Topic.ScanCompleted, { ...ref, version, verdict: scan, reportId: `r-${version}`, findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
    if (score !== null) {
      const rating = sampleRatingComputed(ref, version, { score });
      rating.rating.license = license ?? score;
      await app.publish(Topic.RatingComputed, rating, id);
    }
  };
  const request = (alias: string, version: string, token = owner.token) =>
    call<ReleaseRequestView & Err>('POST', `/artifacts/model/${id}/aliases/${alias}/requests`, { token, json: { version } });
  const approve = (requestId: string, token: string) => call<ReleaseRequestView & Err>('POST', `/artifacts/model/${id}/release-requests/${requestId}/approve`, { token });
  const served = async (alias: string, token = admin): Promise<string | number> => {
    const res = await call('GET', `/artifacts/model/${id}/aliases/${alias}/download`, { token });
    return res.status === 200 ? (res.headers.get('x-modelguard-version') ?? 'no header') : res.status;
  };
  /** Requests `version` for production and has both admins approve it; returns the last approval's answer. */
  const promoteToProduction = async (version: string) => {
    const req = await request('production', version);
    expect(req.status, req.raw.toString()).toBe(201);
    expect((await approve(req.body.id, admin)).body.state).toBe('pending');
    return approve(req.body.id, admin2.token);
  };

  beforeAll(async () => {
    app = await startGatewayTestApp({ clock, gateway: { releases: { requestTtlSeconds: 3600 } } });
    admin = await loginAsAdmin(app.client);
    owner = await registerUser(app.client, admin, 'release-owner', ['upload', 'download', 'search']);
    admin2 = await registerUser(app.client, admin, 'release-admin2', ['admin']);
    uploader = await registerUser(app.client, admin, 'release-uploader', ['upload', 'download', 'search']);
    reader = await registerUser(app.client, admin, 'release-reader', ['download', 'search']);
    const zip = await buildZip({ 'README.md': '# 1.0.0', 'model.bin': Buffer.from('weights 1.0.0') });
    const created = await call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}&version=1.0.0`, { token: owner.token, rawBody: zip, contentType: 'application/zip' });
    expect(created.status, created.raw.toString()).toBe(201);
    id = created.body.metadata.id;
    await settle('1.0.0', 'clean', 0.8);
    await addVersion('2.0.0', 'clean', 0.8);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('promotes through four-eyes approval, serves the alias, and rolls back to the previous version', async () => {
    expect(await served('production')).toBe(404);
    const req = await request('production', '1.0.0');
    expect(req.status, req.raw.toString()).toBe(201);
    expect(req.body).toMatchObject({ alias: 'production', version: '1.0.0', state: 'pending', approvals_required: 2, requested_by: owner.name });
    // The requester cannot approve their own request; a non-admin cannot approve a production promotion.
    const own = await call<Err>('POST', `/artifacts/model/${id}/release-requests/${req.body.id}/approve`, { token: owner.token });
    expect([own.status, own.body.code]).toEqual([403, 'own_request']);
    const notAdmin = await approve(req.body.id, uploader.token);
    expect([notAdmin.status, notAdmin.body.code]).toEqual([403, 'not_an_approver']);
    expect((await approve(req.body.id, admin)).body.state).toBe('pending');
    const twice = await approve(req.body.id, admin);
    expect([twice.status, twice.body.code]).toEqual([409, 'already_approved']);
    expect(await served('production')).toBe(404);
    const last = await approve(req.body.id, admin2.token);
    expect([last.status, last.body.state], last.raw.toString()).toEqual([200, 'applied']);
    expect(last.body.approvals.map((a) => a.approver).sort()).toEqual([admin2.name, 'ece30861defaultadminuser'].sort());
    expect(await served('production')).toBe('1.0.0');
    const again = await approve(req.body.id, uploader.token);
    expect([again.status, again.body.code]).toEqual([409, 'request_applied']);

    expect((await promoteToProduction('2.0.0')).body.state).toBe('applied');
    expect(await served('production')).toBe('2.0.0');

    const rolled = await call<AliasView>('POST', `/artifacts/model/${id}/aliases/production/rollback`, { token: owner.token });
    expect([rolled.status, rolled.body.version], rolled.raw.toString()).toEqual([200, '1.0.0']);
    expect(await served('production')).toBe('1.0.0');
    expect(rolled.body.history.map((h) => [h.kind, h.from_version, h.to_version, h.rolled_back])).toEqual([
      ['rollback', '2.0.0', '1.0.0', false],
      ['promotion', '1.0.0', '2.0.0', true],
      ['promotion', null, '1.0.0', false],
    ]);
    // Back at the first promotion: nothing earlier to roll back to.
    const none = await call<Err>('POST', `/artifacts/model/${id}/aliases/production/rollback`, { token: owner.token });
    expect([none.status, none.body.code]).toEqual([409, 'no_history']);
    const fresh = await call<Err>('POST', `/artifacts/model/${id}/aliases/never-used/rollback`, { token: owner.token });
    expect([fresh.status, fresh.body.code]).toEqual([409, 'no_history']);
    // Rollback needs the owner or an admin, like a request.
    expect((await call('POST', `/artifacts/model/${id}/aliases/production/rollback`, { token: uploader.token })).status).toBe(403);

    // Every move is an AliasMoved event keyed by the model, the rollback marked as such.
    const moves = app.broker.messages(Topic.AliasMoved).filter((m) => m.key === id).map((m) => JSON.parse(m.value.toString()).payload);
    expect(moves.map((p: { kind: string; toVersion: string }) => [p.kind, p.toVersion])).toEqual([
      ['promotion', '1.0.0'],
      ['promotion', '2.0.0'],
      ['rollback', '1.0.0'],
    ]);
  });

  it('refuses each gate at request time, naming it (and audits the refusal)', async () => {
    await addVersion('3.0.0', null, 0.8);
    await addVersion('4.0.0', 'flagged', 0.8);
    await addVersion('5.0.0', 'blocked', 0.8);
    await addVersion('6.0.0', 'clean', 0.3);
    await addVersion('7.0.0', 'clean', null);
    await addVersion('8.0.0', 'clean', 0.8, 0);
    await addVersion('9.0.0', 'clean', 0.8);
    await app.dataSource.getRepository(ArtifactSignatureEntity).delete({ artifactId: id, version: '9.0.0' });
    const gateOf = async (version: string, alias = 'production') => {
      const res = await request(alias, version);
      expect(res.status, res.raw.toString()).toBe(422);
      return res.body.code;
    };
    expect(await gateOf('3.0.0')).toBe('gate_failed:scan_pending');
    expect(await gateOf('4.0.0')).toBe('gate_failed:scan_not_clean');
    expect(await gateOf('5.0.0')).toBe('gate_failed:scan_blocked');
    const override = await call('POST', `/artifacts/model/${id}/versions/5.0.0/override`, { token: admin, json: { reason: 'false positive' } });
    expect(override.status, override.raw.toString()).toBe(200);
    expect(await gateOf('5.0.0')).toBe('gate_failed:scan_overridden');
    expect(await gateOf('6.0.0')).toBe('gate_failed:rating_below_threshold');
    expect(await gateOf('7.0.0')).toBe('gate_failed:rating_missing');
    // Other aliases have no rating threshold by default, but a failed license check still refuses.
    expect((await request('staging', '7.0.0')).status).toBe(201);
    expect(await gateOf('8.0.0', 'staging')).toBe('gate_failed:license');
    expect(await gateOf('9.0.0')).toBe('gate_failed:signature');
    const missing = await request('production', '99.0.0');
    expect(missing.status).toBe(404);
    // Refusals reach the security log (RequestRefused; repeats of one actor and route are coalesced into one entry).
    await expectEventually(() => {
      const refusals = app.broker.messages(Topic.RequestRefused).map((m) => JSON.parse(m.value.toString()).payload as { status: number; message: string; route: string });
      expect(refusals.some((r) => r.status === 422 && r.route.endsWith('/requests') && r.message.includes('gate_failed:scan_pending'))).toBe(true);
    });
  });

  it('re-checks the gates when the alias moves: a version that lost its signature after the request is not promoted', async () => {
    await addVersion('10.0.0', 'clean', 0.8);
    const req = await request('production', '10.0.0');
    expect(req.status, req.raw.toString()).toBe(201);
    expect((await approve(req.body.id, admin)).status).toBe(200);
    await app.dataSource.getRepository(ArtifactSignatureEntity).delete({ artifactId: id, version: '10.0.0' });
    const last = await approve(req.body.id, admin2.token);
    expect([last.status, last.body.code]).toEqual([422, 'gate_failed:signature']);
    // Nothing half-applied: the alias, the request and its approvals are as before the refused approval.
    expect(await served('production')).toBe('1.0.0');
    const after = await call<ReleaseRequestView>('GET', `/artifacts/model/${id}/release-requests/${req.body.id}`, { token: reader.token });
    expect([after.body.state, after.body.approvals.length]).toEqual(['pending', 1]);
  });

  it('a deployment token downloads only what its alias points at, each fetch recorded; everything else is 403', async () => {
    const minted = await call<{ token: string }>('POST', `/artifacts/model/${id}/aliases/production/deployment-tokens`, { token: owner.token, json: { ttl_seconds: 3600 } });
    expect(minted.status, minted.raw.toString()).toBe(201);
    const deploy = minted.body.token;
    expect(await served('production', deploy)).toBe('1.0.0');
    // What the alias points at *at the time of the fetch*.
    expect((await promoteToProduction('2.0.0')).body.state).toBe('applied');
    expect(await served('production', deploy)).toBe('2.0.0');
    for (const [method, path] of [
      ['GET', `/artifacts/model/${id}/aliases/staging/download`],
      ['GET', `/artifacts/model/${id}/download`],
      ['GET', `/artifacts/model/${id}`],
      ['GET', `/artifacts/model/${id}/aliases/production`],
      ['POST', `/artifacts/model/${id}/aliases/production/rollback`],
      ['POST', `/artifacts/model/${id}/aliases/production/deployment-tokens`],
      ['GET', `/artifacts/model/0000other/aliases/production/download`],
      ['POST', '/artifacts'],
    ] as const) {
      const res = await call(method, path, { token: deploy, ...(method === 'POST' ? { json: [{ name: '*' }] } : {}) });
      expect(res.status, `${method} ${path}: ${res.raw.toString()}`).toBe(403);
    }
    // A HEAD answers which version a fetch would get, builds nothing and is not a pull.
    const head = await fetch(`${app.service.url}/artifacts/model/${id}/aliases/production/download`, { method: 'HEAD', headers: { 'X-Authorization': deploy } });
    expect([head.status, head.headers.get('x-modelguard-version'), head.headers.get('content-length')]).toEqual([200, '2.0.0', null]);
    const pulls = await call<Array<{ version: string; alias: string }>>('GET', `/artifacts/model/${id}/aliases/production/deployment-pulls`, { token: owner.token });
    expect(pulls.body.map((p) => p.version)).toEqual(['2.0.0', '1.0.0']);
    // Only the owner or an admin mints one.
    expect((await call('POST', `/artifacts/model/${id}/aliases/production/deployment-tokens`, { token: uploader.token })).status).toBe(403);
  });

  it('two racing promotions of the same alias leave exactly one winner; the loser gets 409', async () => {
    const a = await request('canary', '1.0.0');
    const b = await request('canary', '2.0.0');
    expect([a.status, b.status]).toEqual([201, 201]);
    const [ra, rb] = await Promise.all([approve(a.body.id, admin), approve(b.body.id, admin2.token)]);
    const statuses = [ra.status, rb.status].sort();
    expect(statuses, `${ra.raw.toString()} ${rb.raw.toString()}`).toEqual([200, 409]);
    const winner = ra.status === 200 ? '1.0.0' : '2.0.0';
    const row = await app.dataSource.getRepository(ReleaseAliasEntity).findOneByOrFail({ artifactId: id, alias: 'canary' });
    expect([row.version, row.revision]).toEqual([winner, 1]);
    expect((ra.status === 409 ? ra : rb).body.code).toMatch(/^(alias_moved|request_superseded)$/);
    expect(await served('canary')).toBe(winner);
  });

  it('answers bad input with clear 4xx: names, ids, permissions, rejected and expired requests', async () => {
    expect((await call('GET', `/artifacts/model/${id}/aliases/Bad_Name`, { token: reader.token })).status).toBe(400);
    expect((await request('x'.repeat(64), '1.0.0')).status).toBe(400);
    expect((await call('POST', `/artifacts/model/${id}/aliases/staging/requests`, { token: owner.token, json: { version: 5 } })).status).toBe(400);
    expect((await call('POST', `/artifacts/model/${id}/release-requests/not-a-uuid/approve`, { token: admin })).status).toBe(400);
    expect((await approve('00000000-0000-4000-8000-000000000000', admin)).status).toBe(404);
    expect((await request('staging', '1.0.0', reader.token)).status).toBe(403);
    expect((await request('staging', '1.0.0', uploader.token)).status).toBe(403);
    const current = await request('production', '2.0.0');
    expect([current.status, current.body.code]).toEqual([409, 'already_current']);

    const rejected = await request('staging', '2.0.0');
    const no = await call<ReleaseRequestView>('POST', `/artifacts/model/${id}/release-requests/${rejected.body.id}/reject`, { token: uploader.token, json: { reason: 'not yet' } });
    expect([no.status, no.body.state, no.body.decision_reason]).toEqual([200, 'rejected', 'not yet']);
    const late = await approve(rejected.body.id, admin);
    expect([late.status, late.body.code]).toEqual([409, 'request_rejected']);

    const expiring = await request('staging', '1.0.0');
    expect(expiring.status).toBe(201);
    clock.advance(3601_000);
    const expired = await approve(expiring.body.id, admin);
    expect([expired.status, expired.body.code]).toEqual([409, 'request_expired']);
    const listed = await call<ReleaseRequestView[]>('GET', `/artifacts/model/${id}/release-requests?state=expired`, { token: reader.token });
    expect(listed.body.map((r) => r.id)).toContain(expiring.body.id);
    expect((await call('GET', `/artifacts/model/${id}/release-requests?state=bogus`, { token: reader.token })).status).toBe(400);
  });
});
