import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ALL_TOPICS, dltTopicOf, type Envelope, type ScannerPolicyChangedV1, Topic } from '@modelguard/contracts';
import { DEFAULT_ADMIN_NAME, GatewayFeatureModule } from '@modelguard/gateway-feature';
import { buildZip, ContractClient, type CreatedArtifact, loginAsAdmin, registerUser } from '@modelguard/gateway-feature/testing';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { ScanServiceModule } from '@modelguard/scan-feature';
import {
  createKafkaTopics,
  createTestSchemaName,
  dropSchemas,
  expectEventually,
  queryRows,
  recordKafkaTopics,
  serviceTestEnv,
  testInfra,
  type TopicRecorder,
  uniqueSuffix,
  startGroupAtEnd,
} from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface PolicyView {
  version: number;
  allowed_imports: string[];
  updated_by: string | null;
}

interface ReportFinding {
  ruleId: string;
  severity: string;
  details?: Record<string, unknown>;
}

interface ScanReport {
  verdict: string;
  scannerPolicy?: { version: number };
  files: { path: string; verdict: string; findings: ReportFinding[] }[];
}

/**
 * The registry admin's scanner policy end to end over real Kafka (issue 16): a pickle importing a benign global the
 * scanner does not know is blocked as an unknown import; the admin allows exactly that import through the gateway,
 * which publishes registry.scanner-policy-changed.v1 through its outbox; the scan service stores it through its
 * inbox, and a new upload of the same bytes is clean, its report naming the policy version. Dangerous imports cannot
 * be allowed and only an admin may change the policy.
 */
describe('scanner policy over Kafka: an admin-allowed unknown import no longer blocks new scans', () => {
  const run = uniqueSuffix().replace(/[^a-z0-9]/g, '');
  // A module no other run uses: the development broker is shared and policy events outlive this test.
  const allowed = `mgpolicy_${run}.layers.TinyNet`;
  const schemas = { gateway: createTestSchemaName('sp_gw'), scan: createTestSchemaName('sp_sc') };
  // GLOBAL `<module>\n<name>\n`, an empty tuple, REDUCE: what pickle.dumps writes for an object of a user class
  // rebuilt by calling it. The class is benign but on none of the scanner's lists.
  const [module, name] = [allowed.slice(0, allowed.lastIndexOf('.')), allowed.slice(allowed.lastIndexOf('.') + 1)];
  const pickle = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from(`c${module}\n${name}\n)R.`, 'latin1')]);
  let root: string;
  let services: RunningService[] = [];
  let client: ContractClient;
  let admin: string;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    // Both groups start from now: other runs' policies (higher versions of their own counters) are not this registry's.
    await Promise.all(['gateway', 'scan'].map((service) => startGroupAtEnd(`it-${run}-${service}`, ALL_TOPICS)));
    root = await mkdtemp(join(tmpdir(), 'scanner-policy-'));
    const env = (service: string, extra: Record<string, string> = {}) =>
      serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: `it-${run}-${service}`, DATA_DIR: join(root, service), STORAGE_ROOT: join(root, 'blobs'), ...extra });
    const boot = async (service: string, module: Parameters<typeof bootstrapService>[0]['module'], extra: Record<string, string> = {}) => {
      const running = await bootstrapService({ service, module, httpPort: 0, env: env(service, extra), shutdownHooks: false, exitOnConfigError: false });
      services.push(running);
      return running;
    };
    const scan = await boot('scan', ScanServiceModule.forService({ schema: schemas.scan, relayPollMs: 50 }));
    @Module({ imports: [GatewayFeatureModule.forRoot({ schema: schemas.gateway, gateway: { tmpDir: join(root, 'gateway-tmp'), ratingGate: false } })] })
    class GatewayRoot {}
    const gateway = await boot('gateway', GatewayRoot, { SCAN_URL: scan.url });
    client = new ContractClient(gateway.url);
    admin = await loginAsAdmin(client);
    recorder = await recordKafkaTopics([Topic.ScannerPolicyChanged]);
  }, 180_000);

  afterAll(async () => {
    await recorder?.stop();
    for (const service of services.reverse()) await service.close();
    services = [];
    await dropSchemas(testInfra.databaseUrl, Object.values(schemas));
    if (root) await rm(root, { recursive: true, force: true });
  });

  const upload = async (label: string): Promise<string> => {
    const res = await client.call<CreatedArtifact>('POST', `/artifact/model/package?name=policy-${label}-${run}`, {
      token: admin,
      rawBody: await buildZip({ 'README.md': '# tiny\n', 'model.pkl': pickle }),
      contentType: 'application/zip',
    });
    expect(res.status, res.raw.toString()).toBe(201);
    return res.body.metadata.id;
  };

  const reportOf = (id: string): Promise<ScanReport> =>
    expectEventually(
      async () => {
        const res = await client.call<ScanReport>('GET', `/artifacts/model/${id}/scan-report`, { token: admin });
        expect(res.status, res.raw.toString()).toBe(200);
        return res.body;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

  const findingsOf = (report: ScanReport, ruleId: string) => report.files.flatMap((f) => f.findings).filter((f) => f.ruleId === ruleId);

  it('blocks the unknown import, lets the admin allow it, and scans the next upload clean naming the policy', async () => {
    const beforeId = await upload('before');
    const before = await reportOf(beforeId);
    expect(before.verdict).toBe('blocked');
    expect(before.scannerPolicy).toEqual({ version: 0 });
    expect(findingsOf(before, 'pickle.unknown-global').map((f) => f.details?.['callable'])).toEqual([allowed]);

    const initial = await client.call<PolicyView>('GET', '/scanner-policy', { token: admin });
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ version: 0, allowed_imports: [] });

    const set = await client.call<PolicyView>('PUT', '/scanner-policy/allowed-imports', { token: admin, json: { allowed_imports: [allowed, allowed] } });
    expect(set.status, set.raw.toString()).toBe(200);
    expect(set.body).toMatchObject({ version: 1, allowed_imports: [allowed], updated_by: DEFAULT_ADMIN_NAME });
    // The same list again is no change: no new version, no event.
    const again = await client.call<PolicyView>('PUT', '/scanner-policy/allowed-imports', { token: admin, json: { allowed_imports: [allowed] } });
    expect(again.body.version).toBe(1);

    // On Kafka: the whole list and the version, keyed so every version shares one partition.
    const event = await expectEventually(
      () => {
        const found = recorder.messages(Topic.ScannerPolicyChanged).map((m) => ({ key: m.key, envelope: JSON.parse(m.value) as Envelope<ScannerPolicyChangedV1> }));
        const ours = found.filter((m) => m.envelope.payload.allowedImports.includes(allowed));
        expect(ours).toHaveLength(1);
        return ours[0];
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(event.key).toBe('scanner-policy');
    expect(event.envelope.payload).toMatchObject({ version: 1, allowedImports: [allowed], actor: { name: DEFAULT_ADMIN_NAME, isAdmin: true } });

    // The scan service stored it through its inbox (so scans started from now apply it).
    await expectEventually(
      async () => {
        const rows = await queryRows<{ version: number; allowed_imports: string[] }>(testInfra.databaseUrl, `SELECT version, allowed_imports FROM "${schemas.scan}".scanner_policy`, []);
        expect(rows).toEqual([{ version: 1, allowed_imports: [allowed] }]);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const [inbox] = await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schemas.scan}".inbox WHERE event_id = $1`, [event.envelope.eventId]);
    expect(inbox.n).toBe(1);

    // Audited: SCANNER_POLICY_SET in the change's own transaction.
    const audits = await queryRows<{ p: { action: string; subject: string; detail: string } }>(
      testInfra.databaseUrl,
      `SELECT envelope->'payload' AS p FROM "${schemas.gateway}".outbox WHERE topic = 'gateway.security-event.v1' AND envelope->'payload'->>'action' = 'SCANNER_POLICY_SET'`,
      [],
    );
    expect(audits).toHaveLength(1);
    expect(audits[0].p).toMatchObject({ subject: 'scanner-policy' });
    expect(audits[0].p.detail).toContain(`added=${allowed}`);

    // A new upload of the same bytes: clean, the import kept as INFO naming the policy version.
    const after = await reportOf(await upload('after'));
    expect(after.verdict).toBe('clean');
    expect(after.scannerPolicy).toEqual({ version: 1 });
    expect(findingsOf(after, 'pickle.unknown-global')).toEqual([]);
    expect(findingsOf(after, 'pickle.allowed-by-policy')).toEqual([
      expect.objectContaining({ severity: 'INFO', details: { callable: allowed, policyVersion: 1 } }),
    ]);
    // The earlier report stands as it was: the policy applies to scans started after it.
    expect((await reportOf(beforeId)).verdict).toBe('blocked');
  }, 180_000);

  it('refuses dangerous imports and wildcards with 400 naming the entry, and leaves the policy unchanged', async () => {
    for (const entry of ['os.system', 'builtins.eval', 'builtins.exec', 'subprocess.Popen']) {
      const res = await client.call<{ error?: string }>('PUT', '/scanner-policy/allowed-imports', { token: admin, json: { allowed_imports: [allowed, entry] } });
      expect(res.status, entry).toBe(400);
      expect(res.raw.toString()).toContain(entry);
      expect(res.raw.toString()).toContain('dangerous');
    }
    for (const entry of ['*', 'builtins.*']) {
      const res = await client.call('PUT', '/scanner-policy/allowed-imports', { token: admin, json: { allowed_imports: [entry] } });
      expect(res.status, entry).toBe(400);
    }
    const policy = await client.call<PolicyView>('GET', '/scanner-policy', { token: admin });
    expect(policy.body).toMatchObject({ version: 1, allowed_imports: [allowed] });
    // The attempt is on the security log: a refusal of hostile input, naming the entry.
    await expectEventually(
      async () => {
        const refusals = await queryRows<{ p: { reason: string; route: string; message: string } }>(
          testInfra.databaseUrl,
          `SELECT envelope->'payload' AS p FROM "${schemas.gateway}".outbox WHERE topic = 'gateway.request-refused.v1'`,
          [],
        );
        const ours = refusals.map((r) => r.p).filter((p) => p.route === '/scanner-policy/allowed-imports' && p.reason === 'hostile-input');
        expect(ours.length).toBeGreaterThan(0);
        expect(ours[0].message).toContain('can never be allowed');
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
  }, 60_000);

  it('lets no one but an admin read or change the policy (the gateway answers 401 on admin routes, as for /reset)', async () => {
    const user = await registerUser(client, admin, `policy-user-${run}`, ['upload', 'search', 'download']);
    expect((await client.call('GET', '/scanner-policy', { token: user.token })).status).toBe(401);
    expect((await client.call('PUT', '/scanner-policy/allowed-imports', { token: user.token, json: { allowed_imports: [] } })).status).toBe(401);
    expect((await client.call('GET', '/scanner-policy', { token: null })).status).toBe(403);
    const policy = await client.call<PolicyView>('GET', '/scanner-policy', { token: admin });
    expect(policy.body.version).toBe(1);
  }, 60_000);
});
