import { Topic } from '@modelguard/contracts';
import { expectEventually } from '@modelguard/testing';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD_VARIANTS } from './auth/actor';
import { hashPassword } from './auth/password-hasher';
import { ArtifactEntity } from './persistence/artifact.entity';
import { UserEntity } from './persistence/user.entity';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';

/** Registry core over real HTTP, real Postgres and the in-process broker; every response is contract-checked. */
describe('gateway registry API', () => {
  let app: GatewayTestApp;
  let token: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);

  beforeAll(async () => {
    app = await startGatewayTestApp({ env: { MAX_JSON_BODY_BYTES: '16384' } });
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => app?.close());

  describe('public endpoints', () => {
    it('serves health, tracks, both specs and the docs page', async () => {
      expect((await call('GET', '/health')).status).toBe(200);
      const tracks = await call<{ plannedTracks: string[] }>('GET', '/tracks');
      expect(tracks.body.plannedTracks).toContain('Access control track');
      const yaml = await call('GET', '/openapi.yaml');
      expect(String(yaml.body)).toContain('title: ECE 461 - Fall 2025 - Project Phase 2');
      expect((await call<{ paths: object }>('GET', '/openapi.json')).body.paths).toHaveProperty('/artifact/byRegEx');
      expect(String((await call('GET', '/openapi/extensions.yaml')).body)).toContain('/artifacts/{artifact_type}/{id}/download');
      const docs = await call('GET', '/docs');
      expect(docs.headers.get('content-type')).toContain('text/html');
      expect(String(docs.body)).toContain('/openapi/extensions.json');
      expect(String(docs.body)).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    });
  });

  describe('authentication', () => {
    it('accepts the spec and PDF spellings of the default password and returns a JSON string token', async () => {
      for (const variant of DEFAULT_ADMIN_PASSWORD_VARIANTS) {
        const t = await loginAsAdmin(app.client, variant);
        expect(t).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      }
      const res = await call('PUT', '/authenticate', { json: { user: { name: DEFAULT_ADMIN_NAME, is_admin: true }, secret: { password: 'correcthorsebatterystaple123' } } });
      expect(res.raw.toString().startsWith('"bearer ')).toBe(false);
      expect(res.status).toBe(401);
    });

    it('answers 401 for unknown users and 400 for malformed requests', async () => {
      expect((await call('PUT', '/authenticate', { json: { user: { name: 'nobody', is_admin: false }, secret: { password: 'x' } } })).status).toBe(401);
      expect((await call('PUT', '/authenticate', { json: { user: 'x' } })).status).toBe(400);
      expect((await call('PUT', '/authenticate', { rawBody: '{"user": {', contentType: 'application/json' })).status).toBe(400);
    });

    it('answers 403 for missing, forged and alg=none tokens', async () => {
      expect((await call('GET', '/artifacts/model/abc')).status).toBe(403);
      expect((await call('GET', '/artifacts/model/abc', { token: 'bearer garbage' })).status).toBe(403);
      const [h, , s] = token.slice(7).split('.');
      const forged = base64url.encode(JSON.stringify({ sub: 'mallory', adm: true, jti: 'j', exp: 9e9 }));
      expect((await call('GET', '/artifacts/model/abc', { token: `bearer ${h}.${forged}.${s}` })).status).toBe(403);
      const none = `${base64url.encode('{"alg":"none"}')}.${forged}.`;
      expect((await call('POST', '/artifacts', { token: `bearer ${none}`, json: [{ name: '*' }] })).status).toBe(403);
    });
  });

  describe('create / read / update / delete', () => {
    it('creates with the given name (201), derives names otherwise, and reads it back immediately', async () => {
      const named = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/google-bert/bert-base-uncased', name: 'google-bert/bert-base-uncased' } });
      expect(named.status).toBe(201);
      expect(named.body.metadata).toMatchObject({ name: 'google-bert/bert-base-uncased', type: 'model' });
      expect(named.body.metadata.id).toMatch(/^[a-zA-Z0-9-]+$/);
      expect(named.body.data.download_url).toBe(`http://registry.test/artifacts/model/${named.body.metadata.id}/download`);
      const read = await call<CreatedArtifact>('GET', `/artifacts/model/${named.body.metadata.id}`, { token });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(named.body);

      const derived = await call<CreatedArtifact>('POST', '/artifact/code', { token, json: { url: 'https://github.com/openai/whisper' } });
      expect(derived.status).toBe(201);
      expect(derived.body.metadata.name).toBe('whisper');
    });

    it('accepts non-HF/GitHub hosts as metadata-only artifacts', async () => {
      const res = await call<CreatedArtifact>('POST', '/artifact/dataset', { token, json: { url: 'https://www.kaggle.com/datasets/hliang001/flickr2k' } });
      expect(res.status).toBe(201);
      expect(res.body.metadata.name).toBe('flickr2k');
      const ingest = app.broker.messages(Topic.IngestRequested).map((m) => JSON.parse(m.value) as { payload: { artifactId: string } });
      // The ingest service decides what a source is worth mirroring; other hosts become metadata-only packages there.
      expect(ingest.some((e) => e.payload.artifactId === res.body.metadata.id)).toBe(true);
    });

    it('answers 409 for a duplicate type+url, 400 for bad input', async () => {
      const url = 'https://huggingface.co/datasets/rajpurkar/squad';
      expect((await call('POST', '/artifact/dataset', { token, json: { url } })).status).toBe(201);
      expect((await call('POST', '/artifact/dataset', { token, json: { url, name: 'again' } })).status).toBe(409);
      expect((await call('POST', '/artifact/package', { token, json: { url } })).status).toBe(400);
      expect((await call('POST', '/artifact/model', { token, json: { url: 'not a url' } })).status).toBe(400);
      expect((await call('POST', '/artifact/model', { token, json: {} })).status).toBe(400);
      expect((await call('POST', '/artifact/model', { token, json: [{ url }] })).status).toBe(400);
      expect((await call('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/a/b', name: '../../etc/passwd' } })).status).toBe(400);
      const malformed = await call<{ error: string }>('POST', '/artifact/model', { token, rawBody: '{"url": "https://x', contentType: 'application/json' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBeTruthy();
      // MAX_JSON_BODY_BYTES is 16 KiB in this app: 20 KB is refused, whatever body parser runs first.
      const huge = await call<{ error: string }>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/a/b', pad: 'x'.repeat(20_000) } });
      expect(huge.status).toBe(413);
      expect(huge.body.error).toMatch(/exceeds/);
      expect((await call('POST', '/artifacts', { token, json: [{ name: 'x'.repeat(200), pad: 'y'.repeat(200_000) }] })).status).toBe(413);
      expect((await call('GET', '/artifacts/model/not_valid!', { token })).status).toBe(400);
      expect((await call('GET', '/artifacts/weights/abc', { token })).status).toBe(400);
      expect((await call('GET', '/artifacts/model/doesnotexist', { token })).status).toBe(404);
    });

    it('refuses sources the registry must never be sent to when the artifact is created (400, nothing stored)', async () => {
      const before = await app.dataSource.getRepository(ArtifactEntity).count();
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://127.0.0.1:6379/', 'http://[::1]/x', 'file:///etc/passwd', 'gopher://example.com/x']) {
        const res = await call<{ error: string }>('POST', '/artifact/model', { token, json: { url } });
        expect(res.status, url).toBe(400);
        expect(res.body.error).toBeTruthy();
      }
      expect(await app.dataSource.getRepository(ArtifactEntity).count()).toBe(before);
    });

    it('gives unique ids under a burst of concurrent creates, all visible right away', async () => {
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: `https://huggingface.co/burst/model-${i}`, name: `burst-${i}` } })),
      );
      // 201, or 202 if the machine is loaded enough that ingestion outlasts the wait: registered either way.
      for (const r of results) expect([201, 202]).toContain(r.status);
      const ids = results.map((r) => r.body.metadata.id);
      expect(new Set(ids).size).toBe(24);
      const listed = await call<{ id: string }[]>('POST', '/artifacts', { token, json: results.map((r) => ({ name: r.body.metadata.name })) });
      expect(listed.body.map((m) => m.id).sort()).toEqual([...ids].sort());
    });

    it('answers 202 when ingestion is slower than the wait, and 424 (not registered) when it fails', async () => {
      const slow = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/acme/slow-model' } });
      expect(slow.status).toBe(202);
      expect((await call('GET', `/artifacts/model/${slow.body.metadata.id}`, { token })).status).toBe(200);
      const failed = await call<{ error: string }>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/acme/fail-model' } });
      expect(failed.status).toBe(424);
      expect(failed.body.error).toMatch(/disqualified rating/);
      expect((await call('POST', '/artifacts', { token, json: [{ name: 'fail-model' }] })).body).toEqual([]);
    }, 30_000);

    it('PUT stores a new immutable version; name, id and type must match', async () => {
      const created = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/acme/versioned' } });
      const { id, name } = created.body.metadata;
      const update = (body: unknown) => call('PUT', `/artifacts/model/${id}`, { token, json: body });
      const newUrl = 'https://huggingface.co/acme/versioned-v2';
      expect((await update({ metadata: { id, name, type: 'model' }, data: { url: newUrl } })).status).toBe(200);
      expect((await call<CreatedArtifact>('GET', `/artifacts/model/${id}`, { token })).body.data.url).toBe(newUrl);
      expect((await update({ metadata: { id, name: 'other-name', type: 'model' }, data: { url: newUrl } })).status).toBe(400);
      expect((await update({ metadata: { id: 'someoneelse', name, type: 'model' }, data: { url: newUrl } })).status).toBe(400);
      expect((await update({ metadata: { id, name, type: 'dataset' }, data: { url: newUrl } })).status).toBe(400);
      expect((await update({ metadata: { id, name } })).status).toBe(400);
      expect((await call('PUT', '/artifacts/model/nope', { token, json: { metadata: { id: 'nope', name, type: 'model' }, data: { url: newUrl } } })).status).toBe(404);

      const versions = await call<{ version: string; url: string }[]>('GET', `/artifacts/model/${id}/versions`, { token });
      expect(versions.body.map((v) => [v.version, v.url])).toEqual([
        ['1.0.0', 'https://huggingface.co/acme/versioned'],
        ['1.0.1', newUrl],
      ]);
      const q = async (query: string) => (await call<{ version: string }[]>('GET', `/artifacts/model/${id}/versions?query=${encodeURIComponent(query)}`, { token })).body.map((v) => v.version);
      expect(await q('1.0.1')).toEqual(['1.0.1']);
      expect(await q('^1.0.0')).toEqual(['1.0.0', '1.0.1']);
      expect(await q('1.0.0-1.0.0')).toEqual(['1.0.0']);
      expect(await q('~2.0.0')).toEqual([]);
      expect((await call('GET', `/artifacts/model/${id}/versions?query=latest`, { token })).status).toBe(400);
      await expectEventually(() => {
        const updated = app.broker.messages(Topic.ArtifactUpdated).map((m) => JSON.parse(m.value) as { payload: { artifactId: string; version: string } });
        expect(updated.some((e) => e.payload.artifactId === id && e.payload.version === '1.0.1')).toBe(true);
      });
    });

    it('DELETE removes the artifact (then 404) and publishes ArtifactDeleted', async () => {
      const created = await call<CreatedArtifact>('POST', '/artifact/code', { token, json: { url: 'https://github.com/acme/to-delete' } });
      const { id } = created.body.metadata;
      expect((await call('DELETE', `/artifacts/dataset/${id}`, { token })).status).toBe(404);
      expect((await call('DELETE', `/artifacts/code/${id}`, { token })).status).toBe(200);
      expect((await call('GET', `/artifacts/code/${id}`, { token })).status).toBe(404);
      expect((await call('DELETE', `/artifacts/code/${id}`, { token })).status).toBe(404);
      await expectEventually(() => expect(app.broker.messages(Topic.ArtifactDeleted).some((m) => m.key === id)).toBe(true));
    });
  });

  describe('rating-dependent endpoints', () => {
    // /rate answers once scoring has rated the model (gateway-rating.int-spec.ts); nothing rates here, so 404.
    it('answer clear spec-listed errors (/rate 404 while unrated); cost is computed from the stored package', async () => {
      const created = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/acme/costly' } });
      const { id } = created.body.metadata;
      expect((await call('GET', `/artifact/model/${id}/rate`, { token })).status).toBe(404);
      expect((await call('GET', '/artifact/model/unknown/rate', { token })).status).toBe(404);
      // Lineage and dependency cost come from the lineage service (tests/integration/lineage); the gateway checks the id.
      expect((await call('GET', '/artifact/model/unknown/lineage', { token })).status).toBe(404);
      expect((await call('GET', '/artifact/model/bad_id!/lineage', { token })).status).toBe(400);
      expect((await call('POST', `/artifact/model/${id}/license-check`, { token, json: { github_url: 'https://github.com/google-research/bert' } })).status).toBe(502);
      expect((await call('POST', `/artifact/model/${id}/license-check`, { token, json: { github_url: 'nope' } })).status).toBe(400);
      const cost = await call<Record<string, { total_cost: number; standalone_cost?: number }>>('GET', `/artifact/model/${id}/cost`, { token });
      expect(cost.status).toBe(200);
      expect(cost.body[id]!.total_cost).toBeGreaterThan(0);
      expect((await call('GET', '/artifact/model/unknown/cost?dependency=true', { token })).status).toBe(404);
      expect((await call('GET', `/artifact/model/${id}/cost?dependency=maybe`, { token })).status).toBe(400);
    });
  });

  describe('reset', () => {
    it('requires admin (401; other permissions 403), then empties the registry, keeps the default admin and publishes RegistryReset', async () => {
      await app.dataSource.getRepository(UserEntity).insert({ name: 'alice', passwordHash: await hashPassword('alice-pw'), isAdmin: false, permissions: ['search', 'download'] });
      const alice = (await call<string>('PUT', '/authenticate', { json: { user: { name: 'alice', is_admin: false }, secret: { password: 'alice-pw' } } })).body;
      expect((await call('DELETE', '/reset', { token: alice })).status).toBe(401);
      expect((await call('POST', '/artifact/model', { token: alice, json: { url: 'https://huggingface.co/alice/model' } })).status).toBe(403);
      expect((await call('POST', '/artifacts', { token: alice, json: [{ name: '*' }] })).status).toBe(200);

      expect((await call('DELETE', '/reset', { token })).status).toBe(200);
      expect((await call('POST', '/artifacts', { token, json: [{ name: '*' }] })).body).toEqual([]);
      expect((await call('PUT', '/authenticate', { json: { user: { name: 'alice', is_admin: false }, secret: { password: 'alice-pw' } } })).status).toBe(401);
      expect(await loginAsAdmin(app.client)).toMatch(/^bearer /);
      await expectEventually(() => expect(app.broker.messages(Topic.RegistryReset)).toHaveLength(1));
    });
  });
});
