import { Topic } from '@modelguard/contracts';
import { expectEventually } from '@modelguard/testing';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrphanJanitor } from './janitor/orphan-janitor.service';
import { ArtifactVersionEntity } from './persistence/artifact-version.entity';
import { login, registerUser, TestClock, type Session } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';
import { FsBlobStore } from '@modelguard/storage';

interface SessionView {
  id: string;
  offset: number;
  total_bytes: number;
  state: string;
  artifact_id: string | null;
}

const CHUNK_TYPE = 'application/offset+octet-stream';

/** Issue 15: resumable uploads on real PostgreSQL and the fs blob store, through the real HTTP stack. */
describe('gateway resumable upload sessions', () => {
  let app: GatewayTestApp;
  let spool: string;
  let alice: Session;
  let mallory: Session;
  let zip: Buffer;
  const clock = new TestClock();
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const open = async (who: Session, name: string, total = zip.length): Promise<SessionView> => {
    const res = await call<SessionView>('POST', '/upload-sessions', { token: who.token, json: { type: 'model', name, total_bytes: total } });
    expect(res.status, res.raw.toString()).toBe(201);
    expect(res.headers.get('upload-offset')).toBe('0');
    return res.body;
  };
  const patch = (who: Session, id: string, offset: string, body: Buffer) =>
    call<SessionView & { error: string }>('PATCH', `/upload-sessions/${id}`, { token: who.token, rawBody: body, contentType: CHUNK_TYPE, headers: { 'Upload-Offset': offset } });
  const statusOf = async (who: Session, id: string): Promise<SessionView> => (await call<SessionView>('GET', `/upload-sessions/${id}`, { token: who.token })).body;
  const filesOf = async (id: string) =>
    (await app.dataSource.getRepository(ArtifactVersionEntity).findOneByOrFail({ artifactId: id })).files.map((f) => [f.path, f.sha256, f.size]).sort();

  // Schema, scratch directory and blob store outlive one app, so a test can restart the gateway on them.
  const blobStore = () => new FsBlobStore(join(spool, 'blobs'));
  const boot = (schema?: string) =>
    startGatewayTestApp({ clock, schema, keepSchema: schema === undefined, blobStore: blobStore(), env: { MAX_UPLOAD_BYTES: '2000000' }, gateway: { tmpDir: join(spool, 'tmp'), janitor: { graceSeconds: 3600, intervalSeconds: 0 } } });

  /** Sends `head` of a chunk that declares `declared` bytes, then cuts the connection, as a dropped network would. */
  const cutChunk = (who: Session, id: string, offset: number, head: Buffer, declared: number) =>
    new Promise<void>((resolve) => {
      const url = new URL(`${app.service.url}/upload-sessions/${id}`);
      const req = request(url, { method: 'PATCH', headers: { 'X-Authorization': who.token, 'Content-Type': CHUNK_TYPE, 'Content-Length': declared, 'Upload-Offset': offset } });
      req.on('error', () => resolve());
      req.write(head, () => {
        req.destroy();
        resolve();
      });
    });

  beforeAll(async () => {
    spool = await mkdtemp(join(tmpdir(), 'upload-sessions-'));
    app = await boot();
    const admin = await loginAsAdmin(app.client);
    alice = await registerUser(app.client, admin, 'session-alice', ['upload']);
    mallory = await registerUser(app.client, admin, 'session-mallory', ['upload']);
    // Random (incompressible) weights make a zip of several hundred KB, split over several chunks.
    zip = await buildZip({ 'README.md': '# resumable', 'weights/model.safetensors': randomBytes(600_000), 'config.json': '{"layers":2}' });
  });
  afterAll(async () => {
    await app?.close();
    await rm(spool, { recursive: true, force: true });
  });

  it('a resumed upload stores the same package as a one-shot upload of the same zip', async () => {
    const oneShot = await call<CreatedArtifact>('POST', '/artifact/model/package?name=one-shot', { token: alice.token, rawBody: zip, contentType: 'application/zip' });
    expect(oneShot.status).toBe(201);

    const s = await open(alice, 'resumed');
    const third = Math.floor(zip.length / 3);
    const first = await patch(alice, s.id, '0', zip.subarray(0, third));
    expect(first.status, first.raw.toString()).toBe(200);
    expect([first.body.offset, first.headers.get('upload-offset')]).toEqual([third, String(third)]);
    // The connection drops half-way through the second chunk: whatever reached the disk is kept, nothing more.
    await cutChunk(alice, s.id, third, zip.subarray(third, third + 100_000), third);
    const resumeAt = await expectEventually(async () => {
      const now = await statusOf(alice, s.id);
      const rest = await patch(alice, s.id, String(now.offset), zip.subarray(now.offset));
      expect(rest.status, rest.raw.toString()).toBe(200);
      return now.offset;
    });
    expect(resumeAt).toBeGreaterThanOrEqual(third);
    expect(resumeAt).toBeLessThanOrEqual(third + 100_000);
    expect((await statusOf(alice, s.id)).offset).toBe(zip.length);

    const done = await call<CreatedArtifact>('POST', `/upload-sessions/${s.id}/complete`, { token: alice.token });
    expect(done.status, done.raw.toString()).toBe(201);
    expect(done.body.metadata).toMatchObject({ name: 'resumed', type: 'model' });
    expect(await filesOf(done.body.metadata.id)).toEqual(await filesOf(oneShot.body.metadata.id));
    expect(await statusOf(alice, s.id)).toMatchObject({ state: 'completed', artifact_id: done.body.metadata.id });
    expect((await readdir(join(spool, 'tmp'))).filter((f) => f.includes(s.id))).toEqual([]);

    // Completed is final: neither a second completion nor another chunk is accepted.
    const again = await call<{ error: string }>('POST', `/upload-sessions/${s.id}/complete`, { token: alice.token });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/already completed/);
    expect((await patch(alice, s.id, String(zip.length), Buffer.from('x'))).status).toBe(409);
  });

  it('answers an offset mismatch with 409 and the offset to resume at', async () => {
    const s = await open(alice, 'mismatch');
    expect((await patch(alice, s.id, '0', zip.subarray(0, 1000))).status).toBe(200);
    const stale = await patch(alice, s.id, '0', zip.subarray(0, 1000));
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ offset: 1000 });
    expect(stale.headers.get('upload-offset')).toBe('1000');
    // HEAD answers the offset in headers alone, as tus clients ask it.
    const head = await fetch(`${app.service.url}/upload-sessions/${s.id}`, { method: 'HEAD', headers: { 'X-Authorization': alice.token } });
    expect([head.status, head.headers.get('upload-offset'), head.headers.get('upload-length')]).toEqual([200, '1000', String(zip.length)]);
    const early = await call<{ offset: number }>('POST', `/upload-sessions/${s.id}/complete`, { token: alice.token });
    expect([early.status, early.body.offset]).toEqual([409, 1000]);
  });

  it('refuses hostile input with a clear 4xx and keeps the acknowledged bytes', async () => {
    const s = await open(alice, 'hostile', 2000);
    for (const offset of ['-1', 'NaN', '1e3', '0x10', '', '99999999999999999999']) {
      const res = await patch(alice, s.id, offset, Buffer.from('x'));
      expect(res.status, `Upload-Offset ${JSON.stringify(offset)}`).toBe(400);
    }
    expect((await patch(alice, s.id, '0', Buffer.alloc(1500))).status).toBe(200);
    const beyond = await patch(alice, s.id, '1500', Buffer.alloc(501));
    expect(beyond.status).toBe(413);
    expect((await statusOf(alice, s.id)).offset).toBe(1500);
    for (const total of [-1, 0, 1.5, '10', null, 2_000_001]) {
      const res = await call('POST', '/upload-sessions', { token: alice.token, json: { type: 'model', name: 'bad-size', total_bytes: total } });
      expect(res.status, `total_bytes ${JSON.stringify(total)}`).toBe(total === 2_000_001 ? 413 : 400);
    }
    expect((await call('POST', '/upload-sessions', { token: alice.token, json: { type: 'weights', name: 'x', total_bytes: 10 } })).status).toBe(400);
    expect((await call('GET', '/upload-sessions/not-a-uuid', { token: alice.token })).status).toBe(404);
    // A zip that is not one: completion refuses it exactly like a one-shot upload, and the session stays open.
    expect((await patch(alice, s.id, '1500', Buffer.alloc(500))).status).toBe(200);
    expect((await call('POST', `/upload-sessions/${s.id}/complete`, { token: alice.token })).status).toBe(400);
    expect((await statusOf(alice, s.id)).state).toBe('open');
    expect((await call('DELETE', `/upload-sessions/${s.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `/upload-sessions/${s.id}`, { token: alice.token })).status).toBe(404);
  });

  it("answers 404 to another user's session and records the refusal", async () => {
    const s = await open(alice, 'private');
    const before = app.broker.messages(Topic.RequestRefused).length;
    expect((await call('GET', `/upload-sessions/${s.id}`, { token: mallory.token })).status).toBe(404);
    expect((await patch(mallory, s.id, '0', Buffer.from('x'))).status).toBe(404);
    expect((await call('POST', `/upload-sessions/${s.id}/complete`, { token: mallory.token })).status).toBe(404);
    expect((await call('DELETE', `/upload-sessions/${s.id}`, { token: mallory.token })).status).toBe(404);
    expect((await statusOf(alice, s.id)).offset).toBe(0);
    await expectEventually(() => {
      const refused = app.broker.messages(Topic.RequestRefused).slice(before).map((m) => JSON.parse(m.value.toString()).payload as { status: number; reason: string; actor: { name: string } | null });
      expect(refused).toContainEqual(expect.objectContaining({ status: 404, reason: 'forbidden-ownership', actor: expect.objectContaining({ name: mallory.name }) }));
    });
  });

  it('keeps a session across a gateway restart', async () => {
    const s = await open(alice, 'restarted');
    expect((await patch(alice, s.id, '0', zip.subarray(0, 70_000))).status).toBe(200);
    const schema = app.schema;
    await app.close();
    app = await boot(schema);
    alice = { ...alice, token: await login(app.client, alice.name, alice.password) };
    expect((await statusOf(alice, s.id)).offset).toBe(70_000);
    expect((await patch(alice, s.id, '70000', zip.subarray(70_000))).status).toBe(200);
    const done = await call<CreatedArtifact>('POST', `/upload-sessions/${s.id}/complete`, { token: alice.token });
    expect(done.status, done.raw.toString()).toBe(201);
  });

  it('expires idle sessions: the janitor removes the row and its spooled bytes', async () => {
    const s = await open(alice, 'idle');
    expect((await patch(alice, s.id, '0', zip.subarray(0, 5000))).status).toBe(200);
    const part = join(spool, 'tmp', `session-${s.id}.part`);
    expect(existsSync(part)).toBe(true);
    clock.advance(25 * 3_600_000);
    const report = await app.service.app.get(OrphanJanitor).collect();
    expect(report?.sessionsExpired).toBeGreaterThanOrEqual(1);
    expect(existsSync(part)).toBe(false);
    // A day later the sign-in has expired too: a fresh one sees the session gone.
    const token = await login(app.client, alice.name, alice.password);
    expect((await call('GET', `/upload-sessions/${s.id}`, { token })).status).toBe(404);
  });
});
