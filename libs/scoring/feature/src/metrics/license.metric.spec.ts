import { describe, expect, it } from 'vitest';
import { contextOf, modelEvidence } from '../../test/evidence-builder';
import { licenseFromText } from '../licenses/license-text';
import { licenseVerdict } from './license-compatibility';
import { license } from './license.metric';

describe('license', () => {
  it.each([
    ['apache-2.0', 1],
    ['MIT', 1],
    ['lgpl-2.1', 1],
    ['cc-by-4.0', 1],
    ['lgpl-3.0', 0.5],
    ['cc-by-sa-4.0', 0.5],
    ['llama3.1', 0.5],
    ['creativeml-openrail-m', 0.5],
    ['other', 0.25],
    ['some-new-license', 0.25],
    ['gpl-3.0', 0],
    ['agpl-3.0', 0],
    ['cc-by-nc-4.0', 0],
    ['cc-by-nc-sa-4.0', 0],
    ['unknown', 0],
  ])('scores %s as %s', (id, score) => {
    expect(licenseVerdict(id).score).toBe(score);
  });

  it('reads the package metadata first, then the card', () => {
    const ctx = contextOf(modelEvidence({ metadata: { license: 'mit', card: { license: 'cc-by-nc-4.0' } } }));
    expect(license(ctx)).toMatchObject({ score: 1, fallback: false });
    expect(license(contextOf(modelEvidence({ metadata: { card: { license: 'cc-by-nc-4.0' } } }))).score).toBe(0);
  });

  it('uses license_name when the id is "other"', () => {
    const ctx = contextOf(modelEvidence({ metadata: { license: 'other', cardData: { license_name: 'gemma' } } }));
    expect(license(ctx)).toMatchObject({ score: 0.5 });
    expect(license(ctx).reason).toContain('gemma');
  });

  it('falls back to the Hub license tag', () => {
    const ctx = contextOf(modelEvidence({ metadata: { upstream: { repo: 'a/b', tags: ['transformers', 'license:bsd-3-clause'] } } }));
    expect(license(ctx).score).toBe(1);
  });

  it('reads the README License heading (the course rule) when no metadata names a license', () => {
    const readme = '# Gemma 3\n\nA model.\n\n## License\n\nThis model is released under the Apache License, Version 2.0.\n';
    expect(license(contextOf(modelEvidence({ metadata: { readme } }))).score).toBe(1);
    const nc = '# Model\n\n## Licence\n\nFree for research only; commercial use is not permitted (CC BY-NC 4.0).\n';
    expect(license(contextOf(modelEvidence({ metadata: { readme: nc } }))).score).toBe(0);
    const unclear = '# Model\n\n## License\n\nSee the terms on our website.\n';
    expect(license(contextOf(modelEvidence({ metadata: { readme: unclear } }))).score).toBe(0.25);
  });

  it('scores a missing license 0 (a finding, not a fallback)', () => {
    const result = license(contextOf(modelEvidence({ metadata: { upstream: { repo: 'a/b' }, readme: '# Model\nNo terms.' } })));
    expect(result).toMatchObject({ score: 0, fallback: false });
  });

  it('recognises license texts, most restrictive first', () => {
    expect(licenseFromText('GNU Lesser General Public License v2.1')).toBe('lgpl-2.1');
    expect(licenseFromText('GNU General Public License v3')).toBe('gpl-3.0');
    expect(licenseFromText('MIT License, non-commercial use only')).toBe('cc-by-nc-4.0');
    expect(licenseFromText('Ask us.')).toBeUndefined();
  });
});
