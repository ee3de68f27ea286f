import { describe, expect, it } from 'vitest';
import { ARTIFACT_ID_MAX_LENGTH, isArtifactId } from './artifact-id';
import { artifactNameProblem, isArtifactName } from './artifact-name';
import { isArtifactType } from './artifact-type';

describe('artifact types', () => {
  it.each(['model', 'dataset', 'code'])('accepts %s', (t) => expect(isArtifactType(t)).toBe(true));
  it.each(['package', 'Model', '', null, 1])('refuses %j', (t) => expect(isArtifactType(t)).toBe(false));
});

describe('artifact ids', () => {
  it('follow the spec pattern', () => {
    expect(isArtifactId('abc-123')).toBe(true);
    expect(isArtifactId('48472749248')).toBe(true);
    for (const bad of ['', '../x', '{id}', 'a b', 'a_b', 'ä', 7, null]) expect(isArtifactId(bad)).toBe(false);
  });

  it('are bounded, by default and by a caller that wants a tighter bound', () => {
    expect(isArtifactId('a'.repeat(ARTIFACT_ID_MAX_LENGTH))).toBe(true);
    expect(isArtifactId('a'.repeat(ARTIFACT_ID_MAX_LENGTH + 1))).toBe(false);
    expect(isArtifactId('a'.repeat(65), 64)).toBe(false);
  });
});

describe('artifact names', () => {
  it('accept slashes and keyboard punctuation', () => {
    expect(isArtifactName('google-bert/bert-base-uncased')).toBe(true);
    expect(artifactNameProblem("it's (v2) [final]!")).toBeNull();
  });

  it.each([
    ['', /non-empty/],
    [42, /non-empty/],
    ['*', /reserved/],
    ['x'.repeat(256), /at most 255/],
    ['tab\there', /keyboard/],
    ['ünïcode', /keyboard/],
    ['../etc/passwd', /traversal/],
    ['a/../b', /traversal/],
    ['a/./b', /traversal/],
    ['/abs', /traversal/],
  ])('refuse %j and say why', (bad, why) => {
    expect(artifactNameProblem(bad)).toMatch(why);
    expect(isArtifactName(bad)).toBe(false);
  });
});
