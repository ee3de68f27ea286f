import { type AuditEntriesPageV1, type AuditLogEntryV1, type RefusalReason, Topic } from '@modelguard/contracts';
import { AuditModule } from '@modelguard/audit-feature';
import { type CreatedArtifact, type GatewayTestApp, loginAsAdmin, registerUser, type Session, startGatewayTestApp, TestClock } from '@modelguard/gateway-feature/testing';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Identity limit of the run: low enough to reach with a loop, high enough for the other cases (windows move by hand). */
const PER_IDENTITY = 25;
/** Longer than the gateway's coalescing window (10 s): moving the clock by this ends every window. */
const PAST_WINDOW_MS = 11_000;

/**
 * Issue 10: every refusal is an audit entry. The real gateway (real Postgres) and the real audit service (its own
 * schema) share an in-process broker; refusals travel as RequestRefused events through the gateway's outbox and end
 * as REFUSE entries of the hash chain, with who, what, why. Every gateway answer is checked against the OpenAPI
 * documents by the ContractClient (so the spec's artifact audit endpoint is validated on every call).
 */
describe('refusals end in the audit log', () => {
  const broker = new InProcessBroker();
  const clock = new TestClock();
  const auditSchema = createTestSchemaName('audit');
  const run = uniqueSuffix();
  let audit: RunningService;
  let app: GatewayTestApp;
  let admin: string;
  let reader: Session;
  let uploader: Session;
  let artifact: CreatedArtifact;

  /** REFUSE entries (straight from the audit service: polling through the gateway would spend the admin's rate). */
  const refusals = async (filter: Record<string, string>): Promise<AuditLogEntryV1[]> => {
    const qs = new URLSearchParams({ action: 'REFUSE', limit: '500', ...filter });
    const res = await fetch(`${audit.url}/internal/audit/entries?${qs.toString()}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as AuditEntriesPageV1).entries;
  };
  const eventually = <T>(fn: () => Promise<T>) => expectEventually(fn, { timeoutMs: 15_000 });
  const newWindow = () => clock.advance(PAST_WINDOW_MS);

  beforeAll(async () => {
    audit = await bootstrapService({
      service: `audit-${run}`,
      module: AuditModule.forService({ service: `audit-${run}`, schema: auditSchema }),
      inProcessBroker: broker,
      env: serviceTestEnv(),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    app = await startGatewayTestApp({
      broker,
      clock,
      env: { AUDIT_URL: audit.url, GATEWAY_RATE_LIMIT_PER_IDENTITY: String(PER_IDENTITY), GATEWAY_RATE_LIMIT_PER_ADDRESS: '0', GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '60' },
    });
    admin = await loginAsAdmin(app.client);
    reader = await registerUser(app.client, admin, `reader-${run}`, ['search', 'download']);
    uploader = await registerUser(app.client, admin, `uploader-${run}`, ['upload', 'search']);
    const created = await app.client.call<CreatedArtifact>('POST', '/artifact/model', { token: admin, json: { url: `https://huggingface.co/acme/refused-${run}` } });
    expect(created.status).toBe(201);
    artifact = created.body;
  });

  afterAll(async () => {
    await app?.close();
    await audit?.close();
    await dropSchemas(testInfra.databaseUrl, [auditSchema]);
  });

  it('records a forged token as an anonymous invalid-token refusal with the route template and the artifact', async () => {
    newWindow();
    const forged = 'bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.forged-signature';
    const res = await app.client.call('GET', `/artifacts/model/${artifact.metadata.id}`, { token: forged });
    expect(res.status).toBe(403);
    const [entry] = await eventually(async () => {
      const found = (await refusals({ reason: 'invalid-token', artifact: artifact.metadata.id })).filter((e) => e.refusal?.method === 'GET');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(entry).toMatchObject({
      action: 'REFUSE',
      actor: null,
      artifact: { id: artifact.metadata.id, type: 'model' },
      refusal: { status: 403, reason: 'invalid-token', route: '/artifacts/:artifact_type/:id', message: 'invalid authentication token', suppressed: 0 },
    });
    expect(entry.refusal?.clientAddress).toMatch(/127\.0\.0\.1|::1/);
    // The token never reaches the log.
    expect(JSON.stringify(entry)).not.toContain('forged-signature');
  });

  it('records a missing permission with who was refused', async () => {
    const res = await app.client.call('POST', '/artifact/model', { token: reader.token, json: { url: 'https://huggingface.co/acme/not-allowed' } });
    expect(res.status).toBe(403);
    const [entry] = await eventually(async () => {
      const found = await refusals({ reason: 'forbidden-permission', actor: reader.name });
      expect(found).toHaveLength(1);
      return found;
    });
    expect(entry).toMatchObject({ actor: { name: reader.name, isAdmin: false }, artifact: null, refusal: { status: 403, method: 'POST', route: '/artifact/:artifact_type' } });
  });

  it("records an attempt to delete someone else's artifact as an ownership refusal naming the artifact", async () => {
    const res = await app.client.call('DELETE', `/artifacts/model/${artifact.metadata.id}`, { token: uploader.token });
    expect(res.status).toBe(403);
    const [entry] = await eventually(async () => {
      const found = await refusals({ reason: 'forbidden-ownership', actor: uploader.name });
      expect(found).toHaveLength(1);
      return found;
    });
    expect(entry).toMatchObject({ artifact: { id: artifact.metadata.id, type: 'model' }, refusal: { status: 403, method: 'DELETE' } });
  });

  it('records download-gate refusals: pending scan (409) and blocked scan (403)', async () => {
    const path = `/artifacts/model/${artifact.metadata.id}/download`;
    expect((await app.client.call('GET', path, { token: reader.token })).status).toBe(409);
    const ref = { artifactId: artifact.metadata.id, artifactType: 'model' as const, name: artifact.metadata.name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'blocked', reportId: `r-${run}`, findingCounts: { info: 0, warning: 0, error: 1, critical: 1 } }, ref.artifactId);
    expect((await app.client.call('GET', path, { token: reader.token })).status).toBe(403);
    await eventually(async () => {
      expect(await refusals({ reason: 'gate-pending', actor: reader.name })).toEqual([
        expect.objectContaining({ refusal: expect.objectContaining({ status: 409, route: '/artifacts/:artifact_type/:id/download' }) }),
      ]);
      expect(await refusals({ reason: 'scan-gate', actor: reader.name })).toEqual([
        expect.objectContaining({ artifact: expect.objectContaining({ id: artifact.metadata.id }), refusal: expect.objectContaining({ status: 403 }) }),
      ]);
    });
  });

  it('records an SSRF source URL (400) with its reason and nothing of the URL but the message', async () => {
    const res = await app.client.call('POST', '/artifact/model', { token: admin, json: { url: 'http://169.254.169.254/latest/meta-data/' } });
    expect(res.status).toBe(400);
    const [entry] = await eventually(async () => {
      const found = await refusals({ reason: 'ssrf' });
      expect(found).toHaveLength(1);
      return found;
    });
    expect(entry).toMatchObject({ actor: { isAdmin: true }, refusal: { status: 400, method: 'POST', route: '/artifact/:artifact_type', message: expect.stringMatching(/metadata or link-local/) } });
  });

  it('records a rate-limited identity (429)', async () => {
    newWindow();
    const flooder = await registerUser(app.client, admin, `flooder-${run}`, ['search']);
    let status = 200;
    for (let i = 0; i <= PER_IDENTITY && status !== 429; i++) status = (await app.client.call('GET', '/artifacts/model/unknown-1', { token: flooder.token })).status;
    expect(status).toBe(429);
    await eventually(async () => {
      expect(await refusals({ reason: 'rate-limited', actor: flooder.name })).toEqual([expect.objectContaining({ refusal: expect.objectContaining({ status: 429 }) })]);
    });
  });

  it('coalesces a flood: 200 identical refusals become 2 entries that account for all 200', async () => {
    newWindow();
    const before = await refusals({ reason: 'invalid-token' });
    const after = before.at(-1)?.id ?? '0';
    const forged = 'bearer not-a-token';
    const statuses = await Promise.all(Array.from({ length: 200 }, () => app.client.call('GET', '/artifacts/model/flood-1', { token: forged }).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([403]));
    // The first is recorded at once; the repeats once the window ends (the clock moves, the flush timer writes).
    await eventually(async () => expect(await refusals({ reason: 'invalid-token', after })).toHaveLength(1));
    newWindow();
    const entries = await eventually(async () => {
      const found = await refusals({ reason: 'invalid-token', after });
      expect(found).toHaveLength(2);
      return found;
    });
    expect(entries.reduce((sum, e) => sum + 1 + (e.refusal?.suppressed ?? 0), 0)).toBe(200);
    expect(entries[1].refusal?.suppressed).toBe(198);
  });

  it('serves the security log to admins only, paginated, and audits the refused reader', async () => {
    newWindow();
    const page1 = await app.client.call<AuditEntriesPageV1>('GET', '/audit/entries?action=REFUSE&limit=2', { token: admin });
    expect(page1.status).toBe(200);
    expect(page1.body.entries).toHaveLength(2);
    expect(page1.body.next).toBe(page1.body.entries[1].id);
    const page2 = await app.client.call<AuditEntriesPageV1>('GET', `/audit/entries?action=REFUSE&limit=2&after=${page1.body.next ?? ''}`, { token: admin });
    expect(BigInt(page2.body.entries[0].id)).toBeGreaterThan(BigInt(page1.body.entries[1].id));
    expect((await app.client.call('GET', '/audit/entries?limit=9999', { token: admin })).status).toBe(400);
    expect((await app.client.call('GET', `/audit/entries?actor=${'x'.repeat(300)}`, { token: admin })).status).toBe(400);
    expect((await app.client.call('GET', '/audit/entries', { token: reader.token })).status).toBe(401);
    await eventually(async () => {
      expect(await refusals({ reason: 'forbidden-permission', actor: reader.name })).toEqual(
        expect.arrayContaining([expect.objectContaining({ refusal: expect.objectContaining({ route: '/audit/entries', status: 401 }) })]),
      );
    });
  });

  it('answers the refusal as before when recording fails (the outbox table is gone), and records again afterwards', async () => {
    newWindow();
    const outbox = `"${app.schema}"."outbox"`;
    await queryRows(testInfra.databaseUrl, `ALTER TABLE ${outbox} RENAME TO "outbox_away"`);
    try {
      const res = await app.client.call('GET', '/artifacts/model/no-token-1');
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'missing X-Authorization token' });
      // The write ran (and failed) after the answer; give it time to fail before the table comes back.
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await queryRows(testInfra.databaseUrl, `ALTER TABLE "${app.schema}"."outbox_away" RENAME TO "outbox"`);
    }
    newWindow();
    expect((await app.client.call('GET', '/artifacts/model/no-token-2')).status).toBe(403);
    const entries = await eventually(async () => {
      const found = await refusals({ reason: 'unauthenticated' });
      expect(found.map((e) => e.refusal?.route)).toContain('/artifacts/:artifact_type/:id');
      return found;
    });
    // The refusal answered while the table was gone is lost (logged), not replayed: one entry, the later one.
    expect(entries.map((e) => e.artifact?.id)).toEqual(['no-token-2']);
  });

  it('keeps refusals out of the spec audit trail (its schema holds) and the chain verifies', async () => {
    const trail = await app.client.call<Array<{ action: string }>>('GET', `/artifact/model/${artifact.metadata.id}/audit`, { token: admin });
    expect(trail.status).toBe(200);
    expect(trail.body.map((e) => e.action)).toEqual(['CREATE']);
    // ...while the log itself holds this artifact's refusals.
    const named = (await refusals({ artifact: artifact.metadata.id })).map((e) => e.refusal?.reason as RefusalReason);
    expect(named).toEqual(expect.arrayContaining(['invalid-token', 'forbidden-ownership', 'gate-pending', 'scan-gate']));
    const verify = (await (await fetch(`${audit.url}/internal/audit/verify`)).json()) as { ok: boolean; entries: number };
    expect(verify.ok).toBe(true);
    expect(verify.entries).toBeGreaterThan(8);
    // The same verdict through the gateway, for admins only.
    const viaGateway = await app.client.call<{ ok: boolean; entries: number }>('GET', '/audit/verify', { token: admin });
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.body).toMatchObject({ ok: true });
    expect(viaGateway.body.entries).toBeGreaterThanOrEqual(verify.entries);
    expect((await app.client.call('GET', '/audit/verify', { token: reader.token })).status).toBe(401);
  });
});
