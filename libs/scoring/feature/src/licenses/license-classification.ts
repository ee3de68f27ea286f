/**
 * The one classification of licenses in the scoring service: which family a license id belongs to. Both readers
 * of licenses build on it: the `license` metric (compatibility with ACME's LGPL-2.1, license-compatibility.ts)
 * and the license check (fine-tune + inference, fine-tune-compatibility.ts), so a license cannot be permissive for
 * one and copyleft for the other. Ids are lower-case SPDX ids as the Hub writes them (`apache-2.0`), plus the Hub's
 * own model-license ids (`llama3.1`, `creativeml-openrail-m`, `other`, `unknown`).
 *
 * Families, grouped as in the ModelGo study (Duan et al., WWW 2024; README "License check"):
 *   permissive        notices only (MIT, Apache-2.0, BSD, ISC, zlib, CC0, CC-BY, public-domain dedications, ...)
 *   weak-copyleft     copyleft on the licensed files only (LGPL, MPL-2.0, EPL, EUPL, OFL)
 *   strong-copyleft   the whole combined work must take the license (GPL)
 *   network-copyleft  strong copyleft that also covers serving the work over a network (AGPL)
 *   share-alike       copyleft content licenses (CC-BY-SA, ODbL, CDLA-Sharing, GFDL)
 *   use-restricted    responsible-AI and vendor model licenses whose use restrictions travel with every derivative
 *                     (OpenRAIL family, BigScience RAIL, Llama, Gemma, C-UDA)
 *   non-commercial    commercial use reserved (CC-BY-NC, research-only model licenses)
 *   no-derivatives    adapted material may not be shared (CC-BY-ND, CC-BY-NC-ND)
 *   proprietary       no right to modify or redistribute granted
 *   unknown           the publisher says the license is unknown (the Hub's `unknown`)
 *   custom            non-standard terms (the Hub's `other`, a LICENSE file we cannot match)
 *   unrecognised      an id this table does not know
 *   none              no license stated at all
 */

export const LICENSE_FAMILIES = [
  'permissive',
  'weak-copyleft',
  'strong-copyleft',
  'network-copyleft',
  'share-alike',
  'use-restricted',
  'non-commercial',
  'no-derivatives',
  'proprietary',
  'unknown',
  'custom',
  'unrecognised',
  'none',
] as const;
export type LicenseFamily = (typeof LICENSE_FAMILIES)[number];

export interface ClassifiedLicense {
  /** The normalised id (`apache-2.0`); '' when no license is stated. */
  id: string;
  family: LicenseFamily;
}

const FAMILY_OF: ReadonlyMap<string, LicenseFamily> = new Map<string, LicenseFamily>([
  ...[
    'mit', 'mit-0', 'x11', '0bsd', 'apache-2.0', 'bsd', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear', 'isc', 'zlib',
    'unlicense', 'wtfpl', 'cc0-1.0', 'cc-by-2.0', 'cc-by-2.5', 'cc-by-3.0', 'cc-by-4.0', 'bsl-1.0', 'artistic-2.0',
    'postgresql', 'ncsa', 'ecl-2.0', 'pddl', 'odc-by', 'cdla-permissive-1.0', 'cdla-permissive-2.0', 'python-2.0', 'afl-3.0',
    'blueoak-1.0.0',
  ].map((id) => [id, 'permissive'] as const),
  ...[
    'lgpl-2.0', 'lgpl-2.0-only', 'lgpl-2.0-or-later', 'lgpl-2.1', 'lgpl-2.1-only', 'lgpl-2.1-or-later', 'lgpl-3.0', 'lgpl-3.0-only', 'lgpl-3.0-or-later', 'lgpl-lr', 'mpl-2.0',
    'epl-1.0', 'epl-2.0', 'eupl-1.1', 'eupl-1.2', 'ofl-1.1',
  ].map((id) => [id, 'weak-copyleft'] as const),
  ...['cc-by-sa-3.0', 'cc-by-sa-4.0', 'odbl', 'cdla-sharing-1.0', 'gfdl'].map((id) => [id, 'share-alike'] as const),
  ...[
    'openrail', 'openrail++', 'creativeml-openrail-m', 'bigscience-openrail-m', 'bigscience-bloom-rail-1.0', 'bigcode-openrail-m',
    'llama2', 'llama3', 'llama3.1', 'llama3.2', 'llama3.3', 'llama4', 'gemma', 'c-uda',
  ].map((id) => [id, 'use-restricted'] as const),
  ...['fair-noncommercial-research-license', 'deepfloyd-if-license', 'intel-research', 'apple-amlr', 'h-research'].map(
    (id) => [id, 'non-commercial'] as const,
  ),
  ['proprietary', 'proprietary'],
  ['apple-ascl', 'proprietary'],
  ['unknown', 'unknown'],
  ['other', 'custom'],
]);

/** Whole families named by a prefix (every CC-BY-NC variant, every GPL version); the most specific prefix first. */
const FAMILY_PREFIXES: readonly [string, LicenseFamily][] = [
  ['cc-by-nc-nd', 'no-derivatives'],
  ['cc-by-nc', 'non-commercial'],
  ['cc-by-nd', 'no-derivatives'],
  ['agpl', 'network-copyleft'],
  ['gpl', 'strong-copyleft'],
];

/** Spellings seen in cards and GitHub answers for ids of the table. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['apache2', 'apache-2.0'],
  ['apache-2', 'apache-2.0'],
  ['apache-license-2.0', 'apache-2.0'],
  ['apache-license-version-2.0', 'apache-2.0'],
  ['mit-license', 'mit'],
  ['the-mit-license', 'mit'],
  ['bsd-3', 'bsd-3-clause'],
  ['bsd-2', 'bsd-2-clause'],
  ['cc0', 'cc0-1.0'],
  ['gplv2', 'gpl-2.0'],
  ['gplv3', 'gpl-3.0'],
  ['agplv3', 'agpl-3.0'],
  ['lgplv3', 'lgpl-3.0'],
  ['lgplv2.1', 'lgpl-2.1'],
]);

/** Lower-case, hyphenated, with SPDX's deprecated `+` written as `-or-later` (`GPL-2.0+` → `gpl-2.0-or-later`). */
export function normaliseLicenseId(raw: string | undefined | null): string {
  const id = (raw ?? '').trim().toLowerCase().slice(0, 100).replace(/[\s_]+/g, '-').replace(/(\d)\+$/, '$1-or-later');
  return ALIASES.get(id) ?? id;
}

export function classifyLicense(raw: string | undefined | null): ClassifiedLicense {
  const id = normaliseLicenseId(raw);
  if (id === '') return { id, family: 'none' };
  const family = FAMILY_OF.get(id) ?? FAMILY_PREFIXES.find(([prefix]) => id.startsWith(prefix))?.[1] ?? 'unrecognised';
  return { id, family };
}
