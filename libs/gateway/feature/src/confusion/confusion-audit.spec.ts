import { beforeAll, describe, expect, it } from 'vitest';
import { auditPackageConfusion, type AuditedArtifact, type NameFinding } from './confusion-audit';
import { boundedDamerauLevenshtein, keyboardAdjacent } from './edit-distance';
import { nameForms } from './name-forms';

const popular = (id: string, name: string, downloads = 500, searches = 0): AuditedArtifact => ({ id, name, type: 'model', downloads, searches });
const fresh = (id: string, name: string, downloads = 0): AuditedArtifact => ({ id, name, type: 'model', downloads, searches: 0 });

const POPULAR = [
  popular('bert', 'bert-base-uncased', 900),
  popular('google-bert', 'google-bert/bert-base-uncased', 800),
  popular('distilbert', 'distilbert-base-uncased'),
  popular('whisper', 'whisper-tiny'),
  popular('resnet', 'resnet-50'),
];
const CONFUSABLES = [
  fresh('underscores', 'bert_base_uncased'),
  fresh('transposed', 'bert-base-uncasde'),
  fresh('cyrillic', 'b\u0435rt-base-uncased'),
  fresh('typo', 'whlsper-tiny'),
  fresh('letter-o', 'resnet-5O'),
];
const BENIGN = [
  fresh('large', 'bert-large-uncased'),
  fresh('small', 'whisper-small'),
  fresh('resnet-101', 'resnet-101'),
  fresh('again', 'bert-base-uncased'),
];

describe('auditPackageConfusion', () => {
  let findings: NameFinding[] = [];
  let byId = new Map<string, NameFinding>();
  beforeAll(async () => {
    findings = await auditPackageConfusion([...POPULAR, ...CONFUSABLES, ...BENIGN], 100);
    byId = new Map(findings.map((f) => [f.id, f]));
  });

  it('flags every planted confusable against the popular name it imitates, and nothing else', () => {
    expect([...byId.keys()].sort()).toEqual(CONFUSABLES.map((a) => a.id).sort());
    expect(byId.get('underscores')?.looks_like.id).toBe('bert');
    expect(byId.get('transposed')?.looks_like.id).toBe('bert');
    expect(byId.get('cyrillic')?.looks_like.id).toBe('bert');
    expect(byId.get('typo')?.looks_like.id).toBe('whisper');
    expect(byId.get('letter-o')?.looks_like.id).toBe('resnet');
  });

  it('explains each finding and ranks invisible homoglyphs above visible typos', () => {
    expect(byId.get('cyrillic')?.reasons.join(' ')).toContain("U+0435 'е'");
    expect(byId.get('letter-o')?.reasons.join(' ')).toContain("U+0030 '0'");
    expect(byId.get('underscores')?.reasons.join(' ')).toContain('separators');
    expect(byId.get('transposed')?.reasons.join(' ')).toContain('Damerau-Levenshtein distance 1');
    expect(byId.get('cyrillic')!.score).toBeGreaterThan(byId.get('transposed')!.score);
    for (const f of findings) expect(f.score).toBeGreaterThan(0);
    for (const f of findings) expect(f.score).toBeLessThanOrEqual(1);
    expect(findings.map((f) => f.score)).toEqual([...findings.map((f) => f.score)].sort((a, b) => b - a));
  });

  it('does not flag a name whose look-alike is not clearly more popular, nor across types', async () => {
    const evenly = await auditPackageConfusion([popular('bert', 'bert-base-uncased', 20), fresh('underscores', 'bert_base_uncased', 5)], 10);
    expect(evenly).toEqual([]);
    const otherType = await auditPackageConfusion([popular('bert', 'bert-base-uncased'), { ...fresh('ds', 'bert_base_uncased'), type: 'dataset' }], 10);
    expect(otherType).toEqual([]);
  });

  it('flags a namespace-only difference, and weighs a wider popularity gap higher', async () => {
    const narrow = await auditPackageConfusion([popular('bert', 'bert-base-uncased', 20), fresh('ns', 'evil/bert-base-uncased')], 10);
    const wide = await auditPackageConfusion([popular('bert', 'bert-base-uncased', 5000), fresh('ns', 'evil/bert-base-uncased')], 10);
    expect(narrow[0]?.reasons.join(' ')).toContain('namespace differs');
    expect(wide[0]!.score).toBeGreaterThan(narrow[0]!.score);
  });

  it('counts search appearances at a fifth of a download, and says so', async () => {
    // 40 appearances = 8 downloads: with 1 download more, 10× the never-used squat.
    const searched = await auditPackageConfusion([popular('bert', 'bert-base-uncased', 1, 40), fresh('underscores', 'bert_base_uncased')], 10);
    expect(searched[0]?.reasons.at(-1)).toBe("'bert-base-uncased' was downloaded 1 times and appeared in 40 searches, this 0 and 0 (10× less popular)");
    expect(await auditPackageConfusion([popular('bert', 'bert-base-uncased', 1, 30), fresh('underscores', 'bert_base_uncased')], 10)).toEqual([]);
  });

  it('caps the answer', async () => {
    expect(await auditPackageConfusion([...POPULAR, ...CONFUSABLES], 2)).toHaveLength(2);
  });
});

describe('name forms and distance', () => {
  it('normalises homoglyphs, digits, separators, case and namespace to one skeleton', () => {
    for (const name of ['bert-base-uncased', 'BERT_base.uncased', 'b\u0435rt-base-uncased', 'google-bert/bert-base-uncased']) {
      expect(nameForms(name).skeleton).toBe('bertbaseuncased');
    }
    expect(nameForms('resnet-5O').skeleton).toBe(nameForms('resnet-50').skeleton);
  });

  it('weighs keyboard-adjacent substitutions lower, counts a transposition as one edit, and stops at the bound', () => {
    expect(keyboardAdjacent('s', 'd')).toBe(true);
    expect(keyboardAdjacent('s', 'p')).toBe(false);
    expect(boundedDamerauLevenshtein('uncased', 'uncaded', 2)).toBe(0.5);
    expect(boundedDamerauLevenshtein('uncased', 'uncaped', 2)).toBe(1);
    expect(boundedDamerauLevenshtein('uncased', 'uncasde', 2)).toBe(1);
    expect(boundedDamerauLevenshtein('bertbaseuncased', 'bertlargeuncased', 2)).toBe(Infinity);
    expect(boundedDamerauLevenshtein('a'.repeat(5000), 'b'.repeat(5000), 2)).toBe(Infinity);
  });
});
