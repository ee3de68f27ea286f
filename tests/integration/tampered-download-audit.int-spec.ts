import { PutObjectCommand } from '@aws-sdk/client-s3';
import { AuditModule } from '@modelguard/audit-feature';
import { type AuditEntriesPageV1, type AuditLogEntryV1, Topic } from '@modelguard/contracts';
import { buildZip, type CreatedArtifact, type GatewayTestApp, type GatewayTestAppOptions, loginAsAdmin, startGatewayTestApp, TestClock } from '@modelguard/gateway-feature/testing';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { blobKey, EncryptedBlobStore, fsHeaderWriter, FsBlobStore, LocalKeyWrapper, rewrapBlob, S3BlobStore } from '@modelguard/storage';
import { createTestSchemaName, dropSchemas, expectEventually, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
/**
 * The gateway records a refusal at once, and a second one by the same identity for the same reason when its 10 s
 * coalescing window ends (REFUSAL_COALESCING). The tests move the gateway's clock past it instead of waiting.
 */
const REFUSAL_WINDOW_MS = 10_000;

/**
 * Issue 11.2: a blob changed in the store after upload is never served as the package, and the refusal is an audit
 * entry. Real gateways (FS store, S3Mock store, encrypted FS store) and the real audit service share a broker; the
 * tamper happens under the registry, directly in the directory or the bucket.
 */
describe('tampered blobs on download', () => {
  const broker = new InProcessBroker();
  const auditSchema = createTestSchemaName('audit');
  const run = uniqueSuffix();
  const dir = mkdtempSync(join(tmpdir(), 'mg-tamper-'));
  const weights = randomBytes(300_000);
  const kek = randomBytes(32);
  const s3 = new S3BlobStore({
    endpoint: testInfra.s3Endpoint, region: 'us-east-1', bucket: `mg-tamper-${process.pid}-${Date.now()}`,
    accessKeyId: 'test', secretAccessKey: 'test', forcePathStyle: true, multipartPartSizeBytes: 5 * 1024 * 1024,
  });
  const fsRoot = join(dir, 'fs');
  const encRoot = join(dir, 'enc');
  const apps: GatewayTestApp[] = [];
  const clock = new TestClock();
  let audit: RunningService;

  const refusals = async (artifactId: string): Promise<AuditLogEntryV1[]> => {
    const qs = new URLSearchParams({ action: 'REFUSE', reason: 'refused', artifact: artifactId, limit: '50' });
    const res = await fetch(`${audit.url}/internal/audit/entries?${qs.toString()}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as AuditEntriesPageV1).entries;
  };
  /** Boots a gateway on `blobStore`, uploads one clean model and returns what the test needs. */
  const setUp = async (blobStore: GatewayTestAppOptions['blobStore'], name: string) => {
    // One gateway consumer group per broker at a time: the previous test's gateway stops first.
    for (const earlier of apps.splice(0)) await earlier.close();
    const app = await startGatewayTestApp({ broker, blobStore, clock, env: { AUDIT_URL: audit.url, MAX_UPLOAD_BYTES: '5000000' } });
    apps.push(app);
    const token = await loginAsAdmin(app.client);
    const zip = await buildZip({ 'README.md': `# ${name}`, 'weights/model.bin': weights });
    const up = await app.client.call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}-${run}`, { token, rawBody: zip, contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const id = up.body.metadata.id;
    await app.publish(Topic.ScanCompleted, { artifactId: id, artifactType: 'model', name: up.body.metadata.name, version: '1.0.0', verdict: 'clean', reportId: `r-${name}`, findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
    const file = `/artifacts/model/${id}/files/weights/model.bin`;
    expect((await app.client.call<Buffer>('GET', file, { token })).raw.equals(weights)).toBe(true);
    return { app, token, id, file, zip: `/artifacts/model/${id}/download` };
  };
  /** A download cut mid-stream: the request rejects, or what arrived is not a readable, complete copy. */
  const expectCut = async (app: GatewayTestApp, path: string, token: string): Promise<void> => {
    const got = await app.client.call<Buffer>('GET', path, { token }).then((r) => r, () => null);
    if (got !== null) {
      expect(got.status).not.toBe(200);
      expect(got.raw.includes(weights.subarray(weights.length - 1000))).toBe(false);
    }
  };
  const expectAudited = async (id: string, count: number): Promise<AuditLogEntryV1[]> => {
    clock.advance(REFUSAL_WINDOW_MS);
    return expectEventually(async () => {
      const found = await refusals(id);
      expect(found.length).toBeGreaterThanOrEqual(count);
      return found;
    }, { timeoutMs: 20_000 });
  };

  beforeAll(async () => {
    await s3.ensureBucket();
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
    for (const app of apps) await app.close();
    await audit?.close();
    await dropSchemas(testInfra.databaseUrl, [auditSchema]);
    s3.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('FS store: a rewritten blob aborts the file and the zip download, and each refusal is audited', async () => {
    const t = await setUp(new FsBlobStore(fsRoot), 'tamper-fs');
    writeFileSync(join(fsRoot, blobKey(sha256(weights))), randomBytes(weights.length));
    await expectCut(t.app, t.file, t.token);
    await expectCut(t.app, t.zip, t.token);
    const entries = await expectAudited(t.id, 2);
    expect(entries[0]).toMatchObject({
      action: 'REFUSE',
      actor: { isAdmin: true },
      artifact: { id: t.id, type: 'model' },
      refusal: { status: 409, reason: 'refused', message: expect.stringMatching(/integrity check.*does not match its manifest digest/) },
    });
    expect(entries.map((e) => e.refusal?.route).sort()).toEqual(['/artifacts/:artifact_type/:id/download', '/artifacts/:artifact_type/:id/files/*path']);
    expect((await t.app.client.call('GET', '/health')).status).toBe(200);
  });

  it('S3 store: an object overwritten in the bucket is refused the same way', async () => {
    const t = await setUp(s3, 'tamper-s3');
    // Shorter than the original: the size check catches it as well as the digest.
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: blobKey(sha256(weights)), Body: randomBytes(weights.length - 10) }));
    await expectCut(t.app, t.file, t.token);
    await expectCut(t.app, t.zip, t.token);
    const entries = await expectAudited(t.id, 2);
    expect(entries.every((e) => e.refusal?.status === 409 && /integrity check/.test(e.refusal.message))).toBe(true);
  });

  it('encrypted store: a flipped ciphertext byte is cut mid-stream, a header naming an unknown key id is a clear 409; both audited', async () => {
    const t = await setUp(new EncryptedBlobStore(new FsBlobStore(encRoot), new LocalKeyWrapper(kek)), 'tamper-enc');
    const path = join(encRoot, blobKey(sha256(weights)));
    const original = readFileSync(path);
    const flipped = Buffer.from(original);
    flipped[200_000] = (flipped[200_000] ?? 0) ^ 0xff; // inside chunk 3: chunks 0-2 are already on the wire
    writeFileSync(path, flipped);
    await expectCut(t.app, t.file, t.token);
    const [cut] = await expectAudited(t.id, 1);
    expect(cut?.refusal?.message).toMatch(/integrity check.*chunk 3 failed authentication/);

    writeFileSync(path, original);
    // Re-wrap the data key under a key-encryption key the running gateway does not hold.
    const foreign = new EncryptedBlobStore(new FsBlobStore(encRoot), new LocalKeyWrapper(randomBytes(32), [kek]));
    expect(await rewrapBlob(foreign, sha256(weights), fsHeaderWriter(encRoot))).toBe(true);
    const refused = await t.app.client.call<{ error: string; integrity: string }>('GET', t.file, { token: t.token });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ integrity: 'failed', error: expect.stringMatching(/Key-encryption key "local-[0-9a-f]{16}": not configured here/) });
    await expectAudited(t.id, 2);
    expect((await t.app.client.call('GET', '/health')).status).toBe(200);
  });
});
