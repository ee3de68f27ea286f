import { Topic } from '@modelguard/contracts';
import { describe, expect, it } from 'vitest';
import { createEnvelope, decodeEnvelope, MessageValidationError } from './envelope.codec';

const payload = { artifactId: 'a-1', artifactType: 'model' as const, name: 'bert', url: 'https://huggingface.co/bert', version: '1.0.0', actor: { name: 'alice', isAdmin: false } };

describe('envelope codec', () => {
  it('creates a complete envelope and decodes its JSON back to the same event', () => {
    const envelope = createEnvelope('gateway', Topic.ArtifactCreated, payload, { key: 'a-1', correlationId: 'req-1' });
    expect(envelope).toMatchObject({ type: Topic.ArtifactCreated, schemaVersion: 1, producer: 'gateway', correlationId: 'req-1', causationId: null, key: 'a-1', payload });
    expect(decodeEnvelope(Topic.ArtifactCreated, Buffer.from(JSON.stringify(envelope)))).toEqual({ ok: true, envelope });
  });

  it('refuses a payload that does not fit the topic at creation', () => {
    const bad = { ...payload, actor: { name: '' , isAdmin: 'yes' } } as unknown as typeof payload;
    expect(() => createEnvelope('gateway', Topic.ArtifactCreated, bad, { key: 'a-1' })).toThrow(MessageValidationError);
    expect(() => createEnvelope('gateway', Topic.ArtifactCreated, payload, { key: '' })).toThrow(/key/);
  });

  it.each([
    ['null value', null, /empty/],
    ['empty value', '', /empty/],
    ['not JSON', '{"eventId":', /not JSON/],
    ['JSON but not an envelope', '[1,2,3]', /invalid envelope/],
    ['huge value', 'x'.repeat(1024 * 1024 + 1), /exceeds/],
  ])('rejects %s without throwing', (_label, value, error) => {
    const result = decodeEnvelope(Topic.ArtifactCreated, value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it('rejects an envelope sent on the wrong topic and an unknown topic', () => {
    const envelope = createEnvelope('gateway', Topic.ArtifactCreated, payload, { key: 'a-1' });
    expect(decodeEnvelope(Topic.ArtifactUpdated, JSON.stringify(envelope))).toMatchObject({ ok: false, error: expect.stringMatching(/sent on/) });
    expect(decodeEnvelope('evil.topic.v1', JSON.stringify(envelope))).toMatchObject({ ok: false, error: expect.stringMatching(/unknown topic/) });
  });

  it('drops unknown payload fields (forward compatible) but keeps known ones', () => {
    const envelope = createEnvelope('gateway', Topic.ArtifactCreated, payload, { key: 'a-1' });
    const withExtra = { ...envelope, payload: { ...payload, addedInV1_1: true } };
    const decoded = decodeEnvelope(Topic.ArtifactCreated, JSON.stringify(withExtra));
    expect(decoded).toMatchObject({ ok: true, envelope: { payload } });
  });
});
