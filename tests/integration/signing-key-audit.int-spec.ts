import type { AuditEntriesPageV1, AuditLogEntryV1 } from '@modelguard/contracts';
import { AuditModule } from '@modelguard/audit-feature';
import { DEFAULT_ADMIN_NAME } from '@modelguard/gateway-feature';
import { buildZip, type CreatedArtifact, type GatewayTestApp, loginAsAdmin, startGatewayTestApp } from '@modelguard/gateway-feature/testing';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { generateSigningKeyPem, signingKeyFromPem } from '@modelguard/signing';
import { createTestSchemaName, dropSchemas, expectEventually, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Action = AuditLogEntryV1['action'];

/**
 * Issue 11 point 4, "key use": the registry's signing key is audited when it is generated, when a restart rotates it,
 * and each time it signs a stored version's manifest (subject the key id, the artifact and version named). The real
 * gateway (real Postgres, restarted on its schema with a new configured key) publishes gateway.security-event.v1
 * through its outbox; the real audit service appends the entries; an admin reads them at GET /audit/entries.
 */
describe('signing-key generation, rotation and use end in the audit log', () => {
  const broker = new InProcessBroker();
  const auditSchema = createTestSchemaName('audit');
  const run = uniqueSuffix();
  const oldPem = generateSigningKeyPem();
  const newPem = generateSigningKeyPem();
  const oldKey = signingKeyFromPem(oldPem);
  const newKey = signingKeyFromPem(newPem);
  const gatewaySchemas: string[] = [];
  let audit: RunningService;
  let app: GatewayTestApp | undefined;

  /** Polls the audit service itself (no gateway rate spent) until `check` holds for the action's entries. */
  const settled = (action: Action, check: (entries: AuditLogEntryV1[]) => void) =>
    expectEventually(
      async () => {
        const res = await fetch(`${audit.url}/internal/audit/entries?${new URLSearchParams({ action, limit: '500' }).toString()}`);
        expect(res.status).toBe(200);
        check(((await res.json()) as AuditEntriesPageV1).entries);
      },
      { timeoutMs: 20_000 },
    );
  /** The same entries as an admin reads them through the gateway (answers checked against the extension spec). */
  const viaGateway = async (token: string, query: Record<string, string>): Promise<AuditLogEntryV1[]> => {
    const res = await current().client.call<AuditEntriesPageV1>('GET', `/audit/entries?${new URLSearchParams({ limit: '500', ...query }).toString()}`, { token });
    expect(res.status).toBe(200);
    return res.body.entries;
  };
  const current = (): GatewayTestApp => {
    if (app === undefined) throw new Error('no gateway running');
    return app;
  };
  const start = async (pem: string, schema?: string): Promise<string> => {
    app = await startGatewayTestApp({ broker, keepSchema: true, ...(schema ? { schema } : {}), env: { AUDIT_URL: audit.url, GATEWAY_SIGNING_KEY: pem.replace(/\n/g, '\\n') } });
    if (!gatewaySchemas.includes(app.schema)) gatewaySchemas.push(app.schema);
    return loginAsAdmin(app.client);
  };
  const stop = async (): Promise<void> => {
    await current().close();
    app = undefined;
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
  });

  afterAll(async () => {
    await app?.close();
    await audit?.close();
    await dropSchemas(testInfra.databaseUrl, [auditSchema, ...gatewaySchemas]);
  });

  it('audits the first key, the key that signed each stored version, and a rotation naming the key it replaces', { timeout: 90_000 }, async () => {
    let admin = await start(oldPem);
    const schema = current().schema;
    await settled('SIGNING_KEY_GENERATE', (entries) => expect(entries.map((e) => e.security?.subject)).toEqual([oldKey.keyId]));

    const name = `signed-${run}`;
    const up = await current().client.call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}`, { token: admin, rawBody: await buildZip({ 'a.txt': 'a', 'b/c.txt': 'c' }), contentType: 'application/zip' });
    expect(up.status).toBe(201);
    const id = up.body.metadata.id;
    await settled('SIGNING_KEY_USE', (entries) => expect(entries.filter((e) => e.artifact?.id === id)).toHaveLength(1));

    const [generated] = await viaGateway(admin, { action: 'SIGNING_KEY_GENERATE' });
    expect(generated).toMatchObject({ actor: { name: 'system:gateway', isAdmin: true }, artifact: null, security: { subject: oldKey.keyId, detail: 'source=configured' } });
    const firstUse = await viaGateway(admin, { action: 'SIGNING_KEY_USE', artifact: id });
    expect(firstUse).toHaveLength(1);
    expect(firstUse[0]).toMatchObject({
      actor: { name: 'system:gateway' },
      artifact: { id, type: 'model', name },
      security: { subject: oldKey.keyId, detail: 'signed the manifest of version 1.0.0 (2 files)' },
    });
    // The upload's own entry stays the uploader's CREATE, once: the key is recorded beside it, not twice.
    await settled('CREATE', (entries) => expect(entries.filter((e) => e.artifact?.id === id).map((e) => [e.actor?.name, e.security])).toEqual([[DEFAULT_ADMIN_NAME, null]]));
    await stop();

    // Restart with a new configured key: one ROTATE entry naming both keys; the next version is signed by the new key.
    admin = await start(newPem, schema);
    await settled('SIGNING_KEY_ROTATE', (entries) => expect(entries.map((e) => e.security?.subject)).toEqual([newKey.keyId]));
    const [rotated] = await viaGateway(admin, { action: 'SIGNING_KEY_ROTATE' });
    expect(rotated?.security?.detail).toBe(`replaces=${oldKey.keyId} source=configured`);
    const v2 = await current().client.call<{ version: string }>('PUT', `/artifacts/model/${id}/package`, { token: admin, rawBody: await buildZip({ 'a.txt': 'b' }), contentType: 'application/zip' });
    expect(v2.status).toBe(200);
    await settled('SIGNING_KEY_USE', (entries) => expect(entries.filter((e) => e.artifact?.id === id)).toHaveLength(2));
    const uses = await viaGateway(admin, { action: 'SIGNING_KEY_USE', artifact: id });
    expect(uses.map((e) => [e.security?.subject, e.security?.detail]).sort()).toEqual(
      [
        [oldKey.keyId, 'signed the manifest of version 1.0.0 (2 files)'],
        [newKey.keyId, `signed the manifest of version ${v2.body.version} (1 files)`],
      ].sort(),
    );
    const signInsBefore = (await viaGateway(admin, { action: 'SIGN_IN' })).length;
    await stop();

    // A restart with the same key audits nothing new (the key is already recorded): once the sign-in that follows
    // the start-up is in the log, no key entry came before it. And the chain verifies.
    admin = await start(newPem, schema);
    await settled('SIGN_IN', (entries) => expect(entries.length).toBeGreaterThan(signInsBefore));
    expect(await viaGateway(admin, { action: 'SIGNING_KEY_ROTATE' })).toHaveLength(1);
    expect(await viaGateway(admin, { action: 'SIGNING_KEY_GENERATE' })).toHaveLength(1);
    const verify = await current().client.call<{ ok: boolean }>('GET', '/audit/verify', { token: admin });
    expect(verify.body.ok).toBe(true);
  });
});
