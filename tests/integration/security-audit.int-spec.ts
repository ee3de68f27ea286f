import type { AuditEntriesPageV1, AuditLogEntryV1, SecurityAction } from '@modelguard/contracts';
import { AuditModule } from '@modelguard/audit-feature';
import { buildZip, type GatewayTestApp, loginAsAdmin, registerUser, type Session, startGatewayTestApp } from '@modelguard/gateway-feature/testing';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, expectEventually, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 11 point 4: sign-ins, sign-outs, token revocations and account changes are audit entries. The real gateway
 * (real Postgres) publishes gateway.security-event.v1 through its outbox; the real audit service (its own schema,
 * same in-process broker) appends them to the keyed chain. Gateway answers are checked against the OpenAPI documents.
 */
describe('security actions end in the audit log', () => {
  const broker = new InProcessBroker();
  const auditSchema = createTestSchemaName('audit');
  const run = uniqueSuffix();
  const userName = `sec-user-${run}`;
  let audit: RunningService;
  let app: GatewayTestApp;
  let admin: string;
  let user: Session;
  const tokensSeen: string[] = [];

  /** Entries of one action (straight from the audit service, so polling spends no gateway rate). */
  const entries = async (action: SecurityAction): Promise<AuditLogEntryV1[]> => {
    const res = await fetch(`${audit.url}/internal/audit/entries?${new URLSearchParams({ action, limit: '500' }).toString()}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as AuditEntriesPageV1).entries;
  };
  /** Waits until exactly one entry of the action names the subject, and returns it. */
  const theOne = (action: SecurityAction, subject: string) =>
    expectEventually(
      async () => {
        const found = (await entries(action)).filter((e) => e.security?.subject === subject);
        expect(found).toHaveLength(1);
        return found[0] as AuditLogEntryV1;
      },
      { timeoutMs: 20_000 },
    );
  const jwtOf = (token: string) => token.replace(/^bearer\s+/i, '');
  const tokenIds = async (name: string, token: string): Promise<Array<{ id: string; revoked: boolean }>> => {
    const res = await app.client.call<Array<{ id: string; revoked: boolean }>>('GET', `/users/${name}/tokens`, { token });
    expect(res.status).toBe(200);
    return res.body;
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
    app = await startGatewayTestApp({ broker, env: { AUDIT_URL: audit.url } });
    admin = await loginAsAdmin(app.client);
    user = await registerUser(app.client, admin, userName, ['search', 'download']);
    tokensSeen.push(admin, user.token);
  });

  afterAll(async () => {
    await app?.close();
    await audit?.close();
    await dropSchemas(testInfra.databaseUrl, [auditSchema]);
  });

  it('records a sign-in with the user as actor and subject, never the token', async () => {
    const entry = await theOne('SIGN_IN', userName);
    expect(entry).toMatchObject({ action: 'SIGN_IN', actor: { name: userName, isAdmin: false }, artifact: null, refusal: null, security: { subject: userName } });
  });

  it('records the user creation by the admin with the permissions granted, never the password', async () => {
    const entry = await theOne('USER_CREATE', userName);
    expect(entry.actor?.isAdmin).toBe(true);
    expect(entry.security?.detail).toBe('is_admin=false permissions=search,download');
    expect(JSON.stringify(entry)).not.toContain(user.password);
  });

  it('records an admin revoking one token (subject: the token id) and a sign-out (subject: its token id)', async () => {
    const second = await app.client.call<string>('PUT', '/authenticate', { json: { user: { name: userName, is_admin: false }, secret: { password: user.password } } });
    expect(second.status).toBe(200);
    tokensSeen.push(second.body);
    const live = (await tokenIds(userName, admin)).filter((t) => !t.revoked);
    expect(live).toHaveLength(2);
    const [victim, kept] = live.map((t) => t.id) as [string, string];
    expect((await app.client.call('DELETE', `/users/${userName}/tokens/${victim}`, { token: admin })).status).toBe(200);
    const revoke = await theOne('TOKEN_REVOKE', victim);
    expect(revoke).toMatchObject({ actor: { isAdmin: true }, security: { subject: victim, detail: `token of user ${userName}` } });

    // Sign out with whichever of the user's two tokens is still live (the revoked one is refused, 403).
    let signedOut = false;
    for (const token of [user.token, second.body]) {
      const res = await app.client.call<{ revoked_tokens: number }>('DELETE', '/authenticate', { token });
      if (res.status === 200 && res.body.revoked_tokens === 1) signedOut = true;
    }
    expect(signedOut).toBe(true);
    const out = await theOne('SIGN_OUT', kept);
    expect(out).toMatchObject({ actor: { name: userName, isAdmin: false }, security: { subject: kept } });
  });

  it('records hf_ token creation and revocation (subject: the token id) and uploader key registration and revocation', async () => {
    const created = await app.client.call<{ id: string; token: string }>('POST', `/users/${userName}/hf-tokens`, { token: admin, json: { label: 'laptop' } });
    expect(created.status).toBe(201);
    tokensSeen.push(created.body.token);
    expect(await theOne('HF_TOKEN_CREATE', created.body.id)).toMatchObject({ actor: { isAdmin: true }, security: { subject: created.body.id, detail: `user=${userName} label=laptop` } });
    expect((await app.client.call('DELETE', `/users/${userName}/hf-tokens/${created.body.id}`, { token: admin })).status).toBe(200);
    await theOne('HF_TOKEN_REVOKE', created.body.id);

    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const key = await app.client.call<{ key_id: string }>('POST', '/uploader-keys', { token: admin, json: { public_key_pem: pem } });
    expect(key.status).toBe(201);
    expect(await theOne('UPLOADER_KEY_ADD', key.body.key_id)).toMatchObject({ security: { subject: key.body.key_id, detail: 'algorithm=ed25519' } });
    expect((await app.client.call('DELETE', `/uploader-keys/${key.body.key_id}`, { token: admin })).status).toBe(200);
    await theOne('UPLOADER_KEY_REVOKE', key.body.key_id);
    // Revoking again changes nothing and records nothing more (theOne would see two entries).
    expect((await app.client.call('DELETE', `/uploader-keys/${key.body.key_id}`, { token: admin })).status).toBe(200);
    await theOne('UPLOADER_KEY_REVOKE', key.body.key_id);
  });

  it('records an admin changing the scanner policy (subject: scanner-policy, detail: the version and the change)', async () => {
    const res = await app.client.call('PUT', '/scanner-policy/allowed-imports', { token: admin, json: { allowed_imports: ['mylib.layers.Dense'] } });
    expect(res.status, res.raw.toString()).toBe(200);
    const entry = await theOne('SCANNER_POLICY_SET', 'scanner-policy');
    expect(entry.actor?.isAdmin).toBe(true);
    expect(entry.security?.detail).toMatch(/^version=\d+ imports=1 added=mylib\.layers\.Dense removed=/);
  });

  it('records an admin starting the performance workload (subject: the model, detail: the run and its parameters)', async () => {
    const zip = await buildZip({ 'weights.bin': 'w'.repeat(1000) });
    const up = await app.client.call<{ metadata: { id: string } }>('POST', '/artifact/model/package?name=perf-audit-model', { token: admin, rawBody: zip, contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const started = await app.client.call<{ run_id: string }>('POST', '/performance-workload', { token: admin, json: { artifact_id: up.body.metadata.id, clients: 1, downloads_per_client: 1 } });
    expect(started.status, started.raw.toString()).toBe(202);
    const entry = await theOne('PERFORMANCE_WORKLOAD_RUN', up.body.metadata.id);
    expect(entry.actor).toMatchObject({ isAdmin: true });
    expect(entry.security?.detail).toBe(`run=${started.body.run_id} model=${up.body.metadata.id} clients=1 downloads_per_client=1 registry_size=as is`);
  });

  it('records the deletion of the user by the admin', async () => {
    expect((await app.client.call('DELETE', `/users/${userName}`, { token: admin })).status).toBe(200);
    const entry = await theOne('USER_DELETE', userName);
    expect(entry).toMatchObject({ actor: { isAdmin: true }, security: { subject: userName, detail: 'revoked_tokens=0' } });
  });

  it('keeps every token out of the log, serves the entries through the gateway, and the chain verifies', async () => {
    const all = await (await fetch(`${audit.url}/internal/audit/entries?limit=500`)).json() as AuditEntriesPageV1;
    const text = JSON.stringify(all);
    for (const token of tokensSeen) expect(text).not.toContain(jwtOf(token));
    // Through the gateway (the ContractClient checks the answer against the extension spec, new actions included).
    const viaGateway = await app.client.call<AuditEntriesPageV1>('GET', '/audit/entries?action=USER_CREATE', { token: admin });
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.body.entries.map((e) => e.security?.subject)).toContain(userName);
    const verify = await app.client.call<{ ok: boolean; entries: number }>('GET', '/audit/verify', { token: admin });
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.entries).toBeGreaterThanOrEqual(6);
  });
});
