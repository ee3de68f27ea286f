import { describe, expect, it } from 'vitest';
import { newArtifactId } from './artifact-id';
import { parseArtifactId, parseArtifactType } from './artifact-type';

describe('artifact ids', () => {
  it('are unique under a burst and match the spec pattern', () => {
    const ids = Array.from({ length: 20_000 }, newArtifactId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[a-zA-Z0-9-]+$/);
  });

  it('validates ids and types from the path', () => {
    expect(parseArtifactId('abc-123')).toBe('abc-123');
    expect(() => parseArtifactId('../x')).toThrow(/must match/);
    expect(() => parseArtifactId('{id}')).toThrow(/must match/);
    expect(parseArtifactType('dataset')).toBe('dataset');
    expect(() => parseArtifactType('package')).toThrow(/model, dataset, code/);
  });
});
