import { describe, expect, it } from 'vitest';
import { classifyLicense, normaliseLicenseId } from './license-classification';
import { fineTuneCompatibility } from './fine-tune-compatibility';

/**
 * The fine-tune + inference table, pair by pair: each row names the model's license, the GitHub project's license,
 * the expected answer, the table row that must decide it and words its reason must contain. Ids are written as the
 * Hub (lower case) and GitHub (SPDX case) send them.
 */
const PAIRS: [model: string | undefined, code: string | undefined, compatible: boolean, rule: string, reason: RegExp][] = [
  // permissive
  ['apache-2.0', 'Apache-2.0', true, 'both-permissive', /apache-2\.0 and apache-2\.0 are permissive.*notices/],
  ['apache-2.0', 'MIT', true, 'both-permissive', /permissive: fine-tuning and generation need only/],
  ['mit', 'BSD-3-Clause', true, 'both-permissive', /mit and bsd-3-clause are permissive/],
  // weak copyleft
  ['apache-2.0', 'LGPL-2.1', true, 'weak-copyleft', /lgpl-2\.1: weak copyleft covers changes to its own files only/],
  ['mpl-2.0', 'MIT', true, 'weak-copyleft', /mpl-2\.0: weak copyleft.*independent work/],
  // strong copyleft
  ['apache-2.0', 'GPL-3.0', true, 'copyleft-absorbs', /apache-2\.0 lets its part be distributed under gpl-3\.0.*source offered$/],
  ['apache-2.0', 'GPL-2.0', false, 'copyleft-incompatible', /gpl-2\.0 requires the combined work.*apache-2\.0 cannot be distributed under gpl-2\.0/],
  ['mit', 'GPL-2.0', true, 'copyleft-absorbs', /mit lets its part be distributed under gpl-2\.0/],
  ['cc-by-sa-4.0', 'GPL-3.0', true, 'copyleft-absorbs', /cc-by-sa-4\.0 lets its part be distributed under gpl-3\.0/],
  ['cc-by-sa-4.0', 'GPL-2.0', false, 'copyleft-incompatible', /cc-by-sa-4\.0 cannot be distributed under gpl-2\.0/],
  ['epl-2.0', 'GPL-3.0', false, 'copyleft-incompatible', /epl-2\.0 cannot be distributed under gpl-3\.0/],
  ['gpl-2.0', 'GPL-3.0', false, 'copyleft-conflict', /no GPL version satisfies both/],
  ['gpl-2.0+', 'GPL-3.0', true, 'copyleft-both', /gpl-2\.0-or-later and gpl-3\.0 can be one combined work \(a GPL version both allow\)/],
  ['gpl-3.0', 'GPL-3.0', true, 'copyleft-both', /\(the same license\)/],
  // network copyleft: inference served over a network is covered
  ['apache-2.0', 'AGPL-3.0', true, 'copyleft-absorbs', /under agpl-3\.0.*inference service over a network \(AGPL §13/],
  ['gpl-3.0', 'AGPL-3.0', true, 'copyleft-both', /over a network/],
  // responsible-AI / Llama-style use restrictions
  ['llama3.1', 'MIT', true, 'use-restrictions-pass-on', /llama3\.1 allow commercial fine-tuning and inference, but the use restrictions must be passed on/],
  ['creativeml-openrail-m', 'Apache-2.0', true, 'use-restrictions-pass-on', /creativeml-openrail-m allow commercial fine-tuning/],
  ['creativeml-openrail-m', 'GPL-3.0', false, 'copyleft-vs-use-restrictions', /gpl-3\.0 forbids adding restrictions.*creativeml-openrail-m requires its use restrictions/],
  ['llama2', 'AGPL-3.0', false, 'copyleft-vs-use-restrictions', /agpl-3\.0 forbids adding restrictions.*llama2/],
  ['cc-by-sa-4.0', 'OpenRAIL', false, 'share-alike-vs-use-restrictions', /cc-by-sa-4\.0 forbids adding terms.*openrail requires its use restrictions/],
  // share-alike
  ['cc-by-sa-4.0', 'MIT', true, 'share-alike', /fine-tuned model must stay under cc-by-sa-4\.0/],
  ['cc-by-sa-4.0', 'ODbL', false, 'two-share-alike', /both share-alike/],
  // non-commercial and no-derivatives
  ['cc-by-nc-4.0', 'MIT', false, 'model-non-commercial', /the model's cc-by-nc-4\.0 reserves commercial use/],
  ['apache-2.0', 'CC-BY-NC-SA-4.0', false, 'code-non-commercial', /the GitHub project's code's cc-by-nc-sa-4\.0 reserves commercial use/],
  ['cc-by-nd-4.0', 'Apache-2.0', false, 'model-no-derivatives', /forbids sharing adaptations, and fine-tuning adapts the model/],
  ['mit', 'CC-BY-NC-ND-4.0', false, 'code-no-derivatives', /cannot be changed for fine-tuning and shipped/],
  // no license, unknown, custom, unrecognised: never a guess of true
  [undefined, 'MIT', false, 'model-none', /the model states no license/],
  ['apache-2.0', undefined, false, 'code-none', /the GitHub project has no license: all rights are reserved/],
  ['unknown', 'MIT', false, 'model-unknown', /declares its license "unknown"/],
  ['other', 'Apache-2.0', false, 'model-custom', /custom terms \(other\).*never assumed compatible/],
  ['apache-2.0', 'acme-community-license', false, 'code-unrecognised', /"acme-community-license" is not in the compatibility table/],
  ['proprietary', 'MIT', false, 'model-proprietary', /proprietary terms/],
];

describe('fine-tune + inference compatibility table', () => {
  it.each(PAIRS)('model %s with code %s: compatible=%s by %s', (model, code, compatible, rule, reason) => {
    const verdict = fineTuneCompatibility(model, code);
    expect(verdict).toMatchObject({ compatible, rule });
    expect(verdict.reason).toMatch(reason);
  });

  it('covers every family at least once, on both sides where the family can refuse alone', () => {
    const families = new Set(PAIRS.flatMap(([m, c]) => [classifyLicense(m).family, classifyLicense(c).family]));
    expect([...families].sort()).toEqual(
      ['custom', 'network-copyleft', 'no-derivatives', 'non-commercial', 'none', 'permissive', 'proprietary', 'share-alike', 'strong-copyleft', 'unknown', 'unrecognised', 'use-restricted', 'weak-copyleft'].sort(),
    );
  });

  it('normalises the spellings GitHub and cards use', () => {
    expect(normaliseLicenseId(' Apache-2.0 ')).toBe('apache-2.0');
    expect(normaliseLicenseId('GPL-2.0+')).toBe('gpl-2.0-or-later');
    expect(normaliseLicenseId('openrail++')).toBe('openrail++');
    expect(normaliseLicenseId('Apache License 2.0')).toBe('apache-2.0');
    expect(fineTuneCompatibility('Apache License 2.0', 'MIT').compatible).toBe(true);
  });

  it('never answers true when the model license is unreadable, whatever the code license', () => {
    for (const code of ['MIT', 'Apache-2.0', 'GPL-3.0', 'LGPL-2.1', 'llama3', undefined]) {
      for (const model of [undefined, '', 'unknown', 'other', 'my-license', 'cc-by-nc-4.0', 'cc-by-nd-4.0']) {
        expect(fineTuneCompatibility(model, code).compatible).toBe(false);
      }
    }
  });
});
