import { type AuditEntriesPageV1, type AuditLogEntryV1, Topic } from '@modelguard/contracts';
import { AuditModule } from '@modelguard/audit-feature';
import { DEFAULT_ADMIN_NAME } from '@modelguard/gateway-feature';
import {
  buildZip,
  type CreatedArtifact,
  type GatewayTestApp,
  loginAsAdmin,
  registerUser,
  sampleRatingComputed,
  startGatewayTestApp,
  TestClock,
} from '@modelguard/gateway-feature/testing';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, expectEventually, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Action = AuditLogEntryV1['action'];
type RequestView = { id: string; state: string; code?: string };

const TTL_SECONDS = 3600;

/**
 * Issue 17 point 2, "visible in the audit trail": a promotion request, its approvals, a rejection and an expiry each
 * end as one entry of the hash-chained log, beside the alias move the last approval causes. The real gateway (real
 * Postgres, injected clock) publishes them through its outbox in the state change's transaction; the real audit
 * service appends them; an admin reads them at GET /audit/entries and the chain verifies.
 */
describe('release requests, approvals, rejections and expiry end in the audit log', () => {
  const broker = new InProcessBroker();
  const auditSchema = createTestSchemaName('audit');
  const run = uniqueSuffix();
  const clock = new TestClock();
  let audit: RunningService;
  let app: GatewayTestApp;

  /** Polls the audit service itself (no gateway rate spent) until `check` holds for the model's entries of `action`. */
  const settled = (action: Action, artifact: string, check: (entries: AuditLogEntryV1[]) => void) =>
    expectEventually(
      async () => {
        const res = await fetch(`${audit.url}/internal/audit/entries?${new URLSearchParams({ action, artifact, limit: '500' }).toString()}`);
        expect(res.status).toBe(200);
        check(((await res.json()) as AuditEntriesPageV1).entries);
      },
      { timeoutMs: 20_000 },
    );
  /** The model's entries as an admin reads them through the gateway (answers checked against the extension spec). */
  const viaGateway = async (token: string, query: Record<string, string>): Promise<AuditLogEntryV1[]> => {
    const res = await app.client.call<AuditEntriesPageV1>('GET', `/audit/entries?${new URLSearchParams({ limit: '500', ...query }).toString()}`, { token });
    expect(res.status).toBe(200);
    return res.body.entries;
  };

  beforeAll(async () => {
    audit = await bootstrapService({
      service: `audit-${run}`,
      module: AuditModule.forService({ service: `audit-${run}`, schema: auditSchema }),
      inProcessBroker: broker,
      env: serviceTestEnv(),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    app = await startGatewayTestApp({ broker, clock, keepSchema: true, gateway: { releases: { requestTtlSeconds: TTL_SECONDS } }, env: { AUDIT_URL: audit.url } });
  }, 60_000);

  afterAll(async () => {
    const schema = app?.schema;
    await app?.close();
    await audit?.close();
    await dropSchemas(testInfra.databaseUrl, schema === undefined ? [auditSchema] : [auditSchema, schema]);
  });

  it('records each request, approval, rejection and expiry once, with the model, alias, version and request id', { timeout: 120_000 }, async () => {
    const admin = await loginAsAdmin(app.client);
    const owner = await registerUser(app.client, admin, `rel-owner-${run}`, ['upload', 'download', 'search']);
    const admin2 = await registerUser(app.client, admin, `rel-admin-${run}`, ['admin']);
    const name = `released-${run}`;
    const created = await app.client.call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}&version=1.0.0`, {
      token: owner.token,
      rawBody: await buildZip({ 'README.md': '# 1', 'model.bin': 'weights 1' }),
      contentType: 'application/zip',
    });
    expect(created.status, created.raw.toString()).toBe(201);
    const id = created.body.metadata.id;
    const ref = { artifactId: id, artifactType: 'model' as const, name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: `r-${run}`, findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.0', { score: 0.8 }), id);
    const base = `/artifacts/model/${id}`;
    const request = async (alias: string): Promise<string> => {
      const res = await app.client.call<RequestView>('POST', `${base}/aliases/${alias}/requests`, { token: owner.token, json: { version: '1.0.0' } });
      expect(res.status, res.raw.toString()).toBe(201);
      return res.body.id;
    };
    const approve = (requestId: string, token: string) => app.client.call<RequestView>('POST', `${base}/release-requests/${requestId}/approve`, { token });

    // request → two approvals → the alias moves.
    const promoted = await request('production');
    expect((await approve(promoted, admin)).body.state).toBe('pending');
    expect((await approve(promoted, admin2.token)).body.state).toBe('applied');
    // A rejected request.
    const rejected = await request('staging');
    const no = await app.client.call<RequestView>('POST', `${base}/release-requests/${rejected}/reject`, { token: admin2.token, json: { reason: 'not this week' } });
    expect([no.status, no.body.state]).toEqual([200, 'rejected']);
    // An expired request, seen past its TTL by several readers at once and by an approval: it expires once.
    const expiring = await request('canary');
    clock.advance((TTL_SECONDS + 1) * 1000);
    const reads = await Promise.all([
      app.client.call('GET', `${base}/release-requests`, { token: admin }),
      app.client.call('GET', `${base}/release-requests/${expiring}`, { token: admin }),
      app.client.call('GET', `${base}/release-requests?state=expired`, { token: admin2.token }),
    ]);
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200]);
    const late = await approve(expiring, admin);
    expect([late.status, late.body.code]).toEqual([409, 'request_expired']);
    // A last request after all of that: once its entry is in, every earlier event of the gateway's outbox is too.
    const sentinel = await request('sentinel');

    await settled('RELEASE_REQUEST', id, (entries) => expect(entries.map((e) => e.security?.detail?.split(':')[0])).toContain(`request ${sentinel}`));
    const entries = await viaGateway(admin, { artifact: id });
    const of = (action: Action) => entries.filter((e) => e.action === action);
    const facts = (action: Action) => of(action).map((e) => [e.actor?.name ?? null, e.security?.subject, e.security?.detail]);

    expect(facts('RELEASE_REQUEST').sort()).toEqual(
      [
        [owner.name, 'alias:production', `request ${promoted}: version 1.0.0 requested, needs 2 approval(s)`],
        [owner.name, 'alias:staging', `request ${rejected}: version 1.0.0 requested, needs 1 approval(s)`],
        [owner.name, 'alias:canary', `request ${expiring}: version 1.0.0 requested, needs 1 approval(s)`],
        [owner.name, 'alias:sentinel', `request ${sentinel}: version 1.0.0 requested, needs 1 approval(s)`],
      ].sort(),
    );
    expect(facts('RELEASE_APPROVE').sort()).toEqual(
      [
        [DEFAULT_ADMIN_NAME, 'alias:production', `request ${promoted}: version 1.0.0 approval 1 of 2`],
        [admin2.name, 'alias:production', `request ${promoted}: version 1.0.0 approval 2 of 2`],
      ].sort(),
    );
    expect(facts('RELEASE_REJECT')).toEqual([[admin2.name, 'alias:staging', `request ${rejected}: version 1.0.0 rejected: not this week`]]);
    // Nobody expired it: no actor; the requester is named instead.
    const expiredAt = new Date(clock.now() - 1000).toISOString();
    expect(facts('RELEASE_EXPIRE')).toEqual([[null, 'alias:canary', `request ${expiring}: version 1.0.0 requested by ${owner.name}, expired unapproved at ${expiredAt}`]]);
    // The move the last approval caused is its own UPDATE entry, once.
    expect(of('UPDATE').filter((e) => e.security?.subject === 'alias:production').map((e) => e.actor?.name)).toEqual([admin2.name]);
    for (const e of entries.filter((x) => x.action.startsWith('RELEASE_'))) expect(e.artifact).toEqual({ id, type: 'model', name });

    const verify = await app.client.call<{ ok: boolean }>('GET', '/audit/verify', { token: admin });
    expect([verify.status, verify.body.ok]).toEqual([200, true]);
  });
});
