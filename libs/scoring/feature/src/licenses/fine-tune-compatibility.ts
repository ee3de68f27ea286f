import { type ClassifiedLicense, classifyLicense, type LicenseFamily } from './license-classification';
import { gplAccepts } from './gpl-compatibility';

/**
 * May ACME use a GitHub project's code to fine-tune a model and ship the fine-tuned model's inference/generation
 * (commercially)? The answer for a pair of licenses, as an ordered table: the first rule that applies decides, and
 * every rule carries its reason. Grounded in the ModelGo study (Duan, Li, He: "ModelGo: A Practical Tool for Machine
 * Learning License Analysis", WWW 2024), whose license terms (licenses_description.yml of Xtra-Computing/ModelGo)
 * and case studies say, per family:
 *  - permissive: training, fine-tuning and generation are activities the license places no condition on; only
 *    notices travel with copies;
 *  - weak copyleft (LGPL): combining is an independent work, only modifying the licensed files is a derivative;
 *  - strong copyleft (GPL): the combined work takes the license ("proliferation"), which forbids further
 *    restrictions; the AGPL also reaches software offered as a service;
 *  - responsible-AI and Llama-style licenses: commercial use is granted, but the use restrictions must be carried
 *    into every derivative and its users' terms;
 *  - non-commercial: "no commercial rights", an error for a commercial final work;
 *  - no-derivatives: a work that includes one cannot be shared, modified or not;
 *  - no public license: no rights granted at all.
 * Terms that cannot be read (custom, unknown, unrecognised) are never assumed compatible.
 * The README ("License check") shows the same table.
 */

export interface CompatibilityVerdict {
  compatible: boolean;
  /** The table row that decided (`both-permissive`, `model-non-commercial`, ...). */
  rule: string;
  reason: string;
}

type Side = 'model' | 'code';
const NAMES: Record<Side, string> = { model: 'the model', code: "the GitHub project's code" };

/** Families that answer no on their own, whatever the other side's license: the reason per side. */
const REFUSING: Partial<Record<LicenseFamily, (id: string, side: Side) => string>> = {
  none: (_id, side) =>
    side === 'model'
      ? 'the model states no license: nothing grants the right to fine-tune it or ship it (ModelGo: a work without a public license grants no rights)'
      : "the GitHub project has no license: all rights are reserved, so its code may not be modified or shipped with the model",
  unknown: (_id, side) => `${NAMES[side]} declares its license "unknown": its terms cannot be checked, so compatibility is not assumed`,
  custom: (id, side) => `${NAMES[side]} is under custom terms (${id}): a person must review them; they are never assumed compatible`,
  unrecognised: (id, side) => `${NAMES[side]}'s license "${id}" is not in the compatibility table: it is never guessed compatible`,
  proprietary: (id, side) => `${NAMES[side]} is under proprietary terms (${id}) that grant no right to modify or redistribute`,
  'non-commercial': (id, side) =>
    `${NAMES[side]}'s ${id} reserves commercial use, and ACME ships the fine-tuned model's inference commercially (ModelGo: "no commercial rights")`,
  'no-derivatives': (id, side) =>
    side === 'model'
      ? `the model's ${id} forbids sharing adaptations, and fine-tuning adapts the model (ModelGo: a work with a NoDerivatives part cannot be shared)`
      : `the code's ${id} forbids sharing adapted material, so the code cannot be changed for fine-tuning and shipped (ModelGo: a work with a NoDerivatives part cannot be shared)`,
};

const COPYLEFT: ReadonlySet<LicenseFamily> = new Set(['strong-copyleft', 'network-copyleft']);
const isCopyleft = (l: ClassifiedLicense) => COPYLEFT.has(l.family);
const either = (m: ClassifiedLicense, c: ClassifiedLicense, family: LicenseFamily) => m.family === family || c.family === family;
const serviceNote = (l: ClassifiedLicense) =>
  l.family === 'network-copyleft' ? ', including to everyone who uses the inference service over a network (AGPL §13; ModelGo: the AGPL covers SaaS)' : '';

interface CompatibilityRule {
  rule: string;
  compatible: boolean;
  applies(model: ClassifiedLicense, code: ClassifiedLicense): boolean;
  reason(model: ClassifiedLicense, code: ClassifiedLicense): string;
}

/** The table for two licenses that passed REFUSING, in order; the last row always applies. */
export const COMPATIBILITY_TABLE: readonly CompatibilityRule[] = [
  {
    rule: 'copyleft-both',
    compatible: true,
    applies: (m, c) => isCopyleft(m) && isCopyleft(c) && gplAccepts(m, c) && gplAccepts(c, m),
    reason: (m, c) =>
      `${m.id} and ${c.id} can be one combined work (${m.id === c.id ? 'the same license' : 'a GPL version both allow'}): it must ship under those terms with its source offered${serviceNote(m.family === 'network-copyleft' ? m : c)}`,
  },
  {
    rule: 'copyleft-conflict',
    compatible: false,
    applies: (m, c) => isCopyleft(m) && isCopyleft(c),
    reason: (m, c) => `${m.id} and ${c.id} each require the whole combined work under their own terms, and no GPL version satisfies both`,
  },
  {
    rule: 'copyleft-vs-use-restrictions',
    compatible: false,
    applies: (m, c) => (isCopyleft(m) && c.family === 'use-restricted') || (isCopyleft(c) && m.family === 'use-restricted'),
    reason: (m, c) => {
      const [gpl, rail] = isCopyleft(m) ? [m, c] : [c, m];
      return `${gpl.id} forbids adding restrictions to the combined work, but ${rail.id} requires its use restrictions on every derivative: both cannot be met (ModelGo: conflicting copyleft-style terms)`;
    },
  },
  {
    rule: 'copyleft-absorbs',
    compatible: true,
    applies: (m, c) => (isCopyleft(m) && gplAccepts(m, c)) || (isCopyleft(c) && gplAccepts(c, m)),
    reason: (m, c) => {
      const [gpl, other] = isCopyleft(m) ? [m, c] : [c, m];
      return `${other.id} lets its part be distributed under ${gpl.id}, so the fine-tuned model and code can ship as one ${gpl.id} work, with its source offered${serviceNote(gpl)}`;
    },
  },
  {
    rule: 'copyleft-incompatible',
    compatible: false,
    applies: (m, c) => isCopyleft(m) || isCopyleft(c),
    reason: (m, c) => {
      const [gpl, other] = isCopyleft(m) ? [m, c] : [c, m];
      return `${gpl.id} requires the combined work under its terms, and ${other.id} cannot be distributed under ${gpl.id} (not on the FSF's list of compatible licenses for it)`;
    },
  },
  {
    rule: 'two-share-alike',
    compatible: false,
    applies: (m, c) => m.family === 'share-alike' && c.family === 'share-alike' && m.id !== c.id,
    reason: (m, c) => `${m.id} and ${c.id} are both share-alike: each requires adaptations under itself alone`,
  },
  {
    rule: 'share-alike-vs-use-restrictions',
    compatible: false,
    applies: (m, c) => either(m, c, 'share-alike') && either(m, c, 'use-restricted'),
    reason: (m, c) => {
      const [sa, rail] = m.family === 'share-alike' ? [m, c] : [c, m];
      return `${sa.id} forbids adding terms to adaptations, but ${rail.id} requires its use restrictions on every derivative`;
    },
  },
  {
    rule: 'use-restrictions-pass-on',
    compatible: true,
    applies: (m, c) => either(m, c, 'use-restricted'),
    reason: (m, c) =>
      `${[m, c].filter((l) => l.family === 'use-restricted').map((l) => l.id).join(' and ')} allow commercial fine-tuning and inference, but the use restrictions must be passed on to every user of the fine-tuned model (ModelGo: responsible-AI terms travel with derivatives)`,
  },
  {
    rule: 'share-alike',
    compatible: true,
    applies: (m, c) => either(m, c, 'share-alike'),
    reason: (m, c) =>
      m.family === 'share-alike'
        ? `the fine-tuned model must stay under ${m.id} (share-alike); the code's ${c.id} adds no conflicting condition`
        : `changes to the code must stay under ${c.id} (share-alike); the model's ${m.id} adds no conflicting condition`,
  },
  {
    rule: 'weak-copyleft',
    compatible: true,
    applies: (m, c) => either(m, c, 'weak-copyleft'),
    reason: (m, c) =>
      `${[m, c].filter((l) => l.family === 'weak-copyleft').map((l) => l.id).join(' and ')}: weak copyleft covers changes to its own files only; fine-tuning with the code and serving the model is an independent work (ModelGo: LGPL "combine" is independent)`,
  },
  {
    rule: 'both-permissive',
    compatible: true,
    applies: () => true,
    reason: (m, c) => `${m.id} and ${c.id} are permissive: fine-tuning and generation need only their copyright and license notices (ModelGo: no condition on training or generation)`,
  },
];

/** The verdict for a model license and a code license, as ids (`apache-2.0`, `MIT`, ...); undefined or '' = none. */
export function fineTuneCompatibility(modelLicense: string | undefined, codeLicense: string | undefined): CompatibilityVerdict {
  const model = classifyLicense(modelLicense);
  const code = classifyLicense(codeLicense);
  for (const [side, license] of [['model', model], ['code', code]] as const) {
    const refuse = REFUSING[license.family];
    if (refuse) return { compatible: false, rule: `${side}-${license.family}`, reason: refuse(license.id, side) };
  }
  const row = COMPATIBILITY_TABLE.find((r) => r.applies(model, code)) as CompatibilityRule;
  return { compatible: row.compatible, rule: row.rule, reason: row.reason(model, code) };
}
