import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenApiContract } from './openapi-contract';

const contract = new OpenApiContract();

describe('OpenAPI contract validator', () => {
  it('keeps the ECE 461 spec byte-identical to the course file (v3.4.7)', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'openapi', 'ece461_fall_2025_openapi_spec.yaml'));
    expect(createHash('md5').update(text).digest('hex')).toBe('8aead45cb6f8280a9d73669fbff77ebf');
  });

  it('accepts a conforming Artifact for POST /artifact/{artifact_type} 201', () => {
    const body = { metadata: { name: 'bert', id: 'abc123', type: 'model' }, data: { url: 'https://huggingface.co/x/bert', download_url: 'http://h/a' } };
    expect(contract.check('POST', '/artifact/model', 201, 'application/json', body)).toEqual([]);
  });

  it('rejects a body missing required fields, with a useful message', () => {
    const [violation] = contract.check('POST', '/artifact/model', 201, 'application/json', { metadata: { name: 'x', type: 'model' } });
    expect(violation?.problem).toMatch(/must have required property/);
  });

  it('rejects an id that violates the ArtifactID pattern and an unknown type', () => {
    const bad = [{ name: 'a', id: 'has space', type: 'model' }, { name: 'b', id: 'ok', type: 'weights' }];
    const [violation] = contract.check('POST', '/artifacts', 200, 'application/json', bad);
    expect(violation?.problem).toMatch(/pattern/);
    expect(violation?.problem).toMatch(/allowed values/);
  });

  it('rejects undocumented status codes and unknown paths', () => {
    expect(contract.check('GET', '/artifacts/model/abc', 500, 'application/json', {})[0]?.problem).toMatch(/not documented/);
    expect(contract.check('GET', '/nope', 200, 'application/json', {})[0]?.problem).toMatch(/no documented operation/);
  });

  it('matches fixed paths before parameterised ones and names containing slashes', () => {
    expect(contract.check('POST', '/artifact/byRegEx', 404, 'application/json', { error: 'x' })).toEqual([]);
    expect(contract.check('GET', '/artifact/byName/google-bert/bert-base-uncased', 200, 'application/json', [{ name: 'google-bert/bert-base-uncased', id: '1', type: 'model' }])).toEqual([]);
  });

  it('accepts whole-number health metrics despite the spec\'s integer-or-number oneOf, and still checks their type', () => {
    const component = (metrics: Record<string, unknown>) => ({ components: [{ id: 'db', status: 'ok', observed_at: new Date().toISOString(), metrics }], generated_at: new Date().toISOString() });
    expect(contract.check('GET', '/health/components', 200, 'application/json', component({ pid: 42, ratio: 0.5, ok: true, note: 'x' }))).toEqual([]);
    expect(contract.check('GET', '/health/components', 200, 'application/json', component({ nested: { a: 1 } }))[0]?.problem).toMatch(/oneOf/);
  });

  it('validates the authentication token as a JSON string', () => {
    expect(contract.check('PUT', '/authenticate', 200, 'application/json', 'bearer abc')).toEqual([]);
    expect(contract.check('PUT', '/authenticate', 200, 'application/json', { token: 'x' })[0]?.problem).toMatch(/must be string/);
  });

  it('validates extension responses, including nullable fields and $ref responses', () => {
    const version = { version: '1.2.0', version_key: '1.0.0', version_label: '1.2.0', url: 'u', source: null, ingest_state: 'stored', scan_state: 'clean', scan_reason: null, override_by: null, total_bytes: 3, file_count: 1, created_at: new Date().toISOString() };
    expect(contract.check('GET', '/artifacts/model/abc/versions', 200, 'application/json', [version])).toEqual([]);
    expect(contract.check('GET', '/artifacts/model/abc/download', 409, 'application/json', { error: 'pending' })).toEqual([]);
    expect(contract.check('GET', '/artifacts/model/abc/download', 409, 'application/json', { message: 'x' })[0]?.problem).toMatch(/error/);
    expect(contract.check('GET', '/artifacts/model/abc/files/a/b.bin', 206, 'application/octet-stream', null)).toEqual([]);
  });

  it('reads a segment mixing parameters and text (`{id}@{alias}`) only when the text is there', () => {
    const artifact = { metadata: { name: 'bert', id: 'abc', type: 'model' }, data: { url: 'https://huggingface.co/x/bert', download_url: 'http://h/a' } };
    expect(contract.check('GET', '/artifacts/model/abc', 200, 'application/json', artifact)).toEqual([]);
    expect(contract.check('GET', '/artifacts/model/abc@production', 200, 'application/json', artifact)[0]?.problem).toMatch(/alias/);
    expect(contract.check('GET', '/artifacts/model/abc@production', 200, 'application/json', { ...artifact, alias: { name: 'production', version: '1.0.0', version_key: '1.0.0' } })).toEqual([]);
    expect(contract.check('GET', '/artifacts/model/abc@production/download', 200, 'application/zip', null)).toEqual([]);
  });
});
