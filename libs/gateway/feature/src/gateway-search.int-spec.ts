import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';

interface Meta {
  name: string;
  id: string;
  type: string;
}

/** Enumeration, exact-name lookup and regex search over real Postgres; every response is contract-checked. */
describe('gateway search API', () => {
  let app: GatewayTestApp;
  let token: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const create = async (type: string, url: string, name?: string): Promise<CreatedArtifact> => {
    const res = await call<CreatedArtifact>('POST', `/artifact/${type}`, { token, json: name === undefined ? { url } : { url, name } });
    // Registered either way; on a loaded machine a bulk create may outlast the ingest wait (202).
    expect([201, 202]).toContain(res.status);
    return res.body;
  };

  beforeAll(async () => {
    app = await startGatewayTestApp();
    token = await loginAsAdmin(app.client);
    await create('model', 'https://huggingface.co/google-bert/bert-base-uncased', 'bert-base-uncased');
    await create('model', 'https://huggingface.co/parvk11/audience_classifier_model', 'audience_classifier_model');
    await create('code', 'https://github.com/google-research/bert', 'bert-base-uncased');
    const readme = await call('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/acme/readme-model', name: 'plain-name' } });
    expect(readme.status).toBe(201); // its README must be stored before the README search test
    await create('model', 'https://huggingface.co/google-bert/bert-large', 'google-bert/bert-large');
    // 130 more in parallel batches, so enumeration needs two pages.
    for (let b = 0; b < 130; b += 26) {
      await Promise.all(Array.from({ length: 26 }, (_, i) => create('dataset', `https://huggingface.co/datasets/bulk/d${b + i}`, `bulk-${b + i}`)));
    }
  }, 120_000);
  afterAll(async () => app?.close());

  it('enumerates with "*" in keyset pages of 100, emitting the offset header', async () => {
    const first = await call<Meta[]>('POST', '/artifacts', { token, json: [{ name: '*' }] });
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(100);
    const offset = first.headers.get('offset');
    expect(offset).toMatch(/^\d+$/);
    const second = await call<Meta[]>('POST', `/artifacts?offset=${offset}`, { token, json: [{ name: '*' }] });
    expect(second.body).toHaveLength(35);
    const all = [...first.body, ...second.body].map((m) => m.id);
    expect(new Set(all).size).toBe(135);
    const third = await call<Meta[]>('POST', `/artifacts?offset=${second.headers.get('offset')}`, { token, json: [{ name: '*' }] });
    expect(third.body).toEqual([]);
  });

  it('matches names exactly and case-sensitively, filters by types, unions several queries', async () => {
    const bert = await call<Meta[]>('POST', '/artifacts', { token, json: [{ name: 'bert-base-uncased' }] });
    expect(bert.body.map((m) => m.type).sort()).toEqual(['code', 'model']);
    expect((await call<Meta[]>('POST', '/artifacts', { token, json: [{ name: 'BERT-base-uncased' }] })).body).toEqual([]);
    expect((await call<Meta[]>('POST', '/artifacts', { token, json: [{ name: 'bert-base' }] })).body).toEqual([]);
    const models = await call<Meta[]>('POST', '/artifacts', { token, json: [{ name: 'bert-base-uncased', types: ['model'] }] });
    expect(models.body).toHaveLength(1);
    expect(models.body[0]!.type).toBe('model');
    const onlyCode = await call<Meta[]>('POST', '/artifacts', { token, json: [{ name: '*', types: ['code'] }] });
    expect(onlyCode.body.map((m) => m.name)).toEqual(['bert-base-uncased']);
    const union = await call<Meta[]>('POST', '/artifacts', { token, json: [{ name: 'plain-name' }, { name: 'audience_classifier_model', types: ['model'] }] });
    expect(union.body.map((m) => m.name).sort()).toEqual(['audience_classifier_model', 'plain-name']);
  });

  it('rejects malformed queries (400) and more than 1000 queries (413)', async () => {
    for (const bad of [{}, [], [{}], [{ name: 1 }], [{ name: '*', types: ['weights'] }], [{ name: '*', types: 'model' }]]) {
      expect((await call('POST', '/artifacts', { token, json: bad })).status).toBe(400);
    }
    expect((await call('POST', '/artifacts?offset=-1', { token, json: [{ name: '*' }] })).status).toBe(400);
    expect((await call('POST', '/artifacts?offset=abc', { token, json: [{ name: '*' }] })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ name: `n${i}` }));
    expect((await call('POST', '/artifacts', { token, json: many })).status).toBe(413);
  });

  it('looks up by exact name, including names with slashes, 404 when none', async () => {
    const byName = await call<Meta[]>('GET', '/artifact/byName/bert-base-uncased', { token });
    expect(byName.body).toHaveLength(2);
    expect((await call<Meta[]>('GET', '/artifact/byName/google-bert/bert-large', { token })).body[0]!.name).toBe('google-bert/bert-large');
    expect((await call<Meta[]>('GET', '/artifact/byName/google-bert%2Fbert-large', { token })).body).toHaveLength(1);
    expect((await call('GET', '/artifact/byName/Bert-Base-Uncased', { token })).status).toBe(404);
    expect((await call('GET', '/artifact/byName/..%2F..%2Fetc%2Fpasswd', { token })).status).toBe(404);
    expect((await call('GET', '/artifact/byName/bad%E0%A4%A', { token })).status).toBe(400);
  });

  it('searches names and READMEs with RE2, 404 when nothing matches', async () => {
    const hits = await call<Meta[]>('POST', '/artifact/byRegEx', { token, json: { regex: '.*?(audience|bert).*' } });
    expect(hits.body.map((m) => m.name)).toEqual(expect.arrayContaining(['bert-base-uncased', 'audience_classifier_model', 'google-bert/bert-large']));
    const exact = await call<Meta[]>('POST', '/artifact/byRegEx', { token, json: { regex: '^audience_classifier_model$' } });
    expect(exact.body.map((m) => m.name)).toEqual(['audience_classifier_model']);
    const inReadme = await call<Meta[]>('POST', '/artifact/byRegEx', { token, json: { regex: 'quantum-banana' } });
    expect(inReadme.body.map((m) => m.name)).toEqual(['plain-name']);
    expect((await call('POST', '/artifact/byRegEx', { token, json: { regex: 'zzz-no-such-thing-zzz' } })).status).toBe(404);
  });

  it('survives ReDoS patterns against a 100 KB README within a second', async () => {
    const started = performance.now();
    const res = await call('POST', '/artifact/byRegEx', { token, json: { regex: '(a+)+$' } });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(404);
    const nested = await call('POST', '/artifact/byRegEx', { token, json: { regex: '^(([a-z])+.)+[A-Z]([a-z])+$' } });
    expect([200, 404]).toContain(nested.status);
  });

  it('refuses unsupported or malformed regexes with a clear 400', async () => {
    const backref = await call<{ error: string }>('POST', '/artifact/byRegEx', { token, json: { regex: '(a)\\1' } });
    expect(backref.status).toBe(400);
    expect(backref.body.error).toMatch(/RE2/);
    expect((await call('POST', '/artifact/byRegEx', { token, json: { regex: '[' } })).status).toBe(400);
    expect((await call('POST', '/artifact/byRegEx', { token, json: { regex: 5 } })).status).toBe(400);
    expect((await call('POST', '/artifact/byRegEx', { token, json: { regex: 'a'.repeat(2000) } })).status).toBe(400);
    expect((await call('POST', '/artifact/byRegEx', { token, json: {} })).status).toBe(400);
  });
});
