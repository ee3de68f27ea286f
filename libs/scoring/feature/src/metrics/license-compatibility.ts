/**
 * How a model license fits ACME's LGPL-2.1 product (the course requirement): may a model under it be combined with,
 * and shipped in, LGPL-2.1 software, commercially? Three tiers plus "unclear":
 *   1    permissive or LGPL-2.1-compatible (MIT, Apache-2.0, BSD, ISC, zlib, CC0, CC-BY, MPL-2.0, LGPL-2.1, ...)
 *   0.5  allowed with conditions someone must review: weak copyleft that does not combine cleanly with LGPL-2.1
 *        (LGPL-3.0, EPL, EUPL), share-alike content licenses (CC-BY-SA, ODbL), and responsible-AI / vendor licenses
 *        with use restrictions (OpenRAIL, Llama, Gemma)
 *   0.25 a custom license (`other`) or an identifier we do not know: unreadable terms are not a yes
 *   0    non-commercial, no-derivatives, strong copyleft (GPL, AGPL: the combined product would have to be GPL),
 *        proprietary research licenses, `unknown`, or no license at all
 */

export interface LicenseVerdict {
  score: number;
  tier: 'compatible' | 'conditional' | 'unclear' | 'incompatible' | 'missing';
}

const COMPATIBLE = new Set([
  'mit', 'apache-2.0', 'bsd', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear', 'isc', 'zlib', 'unlicense',
  'cc0-1.0', 'cc-by-2.0', 'cc-by-2.5', 'cc-by-3.0', 'cc-by-4.0', 'lgpl-2.1', 'lgpl-2.1-only', 'lgpl-2.1-or-later',
  'lgpl-lr', 'mpl-2.0', 'bsl-1.0', 'artistic-2.0', 'wtfpl', 'postgresql', 'ncsa', 'ecl-2.0', 'pddl', 'odc-by',
  'cdla-permissive-1.0', 'cdla-permissive-2.0', 'python-2.0', 'mit-0', 'x11',
]);

const CONDITIONAL = new Set([
  'lgpl-3.0', 'lgpl-3.0-only', 'lgpl-3.0-or-later', 'epl-1.0', 'epl-2.0', 'eupl-1.1', 'eupl-1.2', 'gfdl', 'afl-3.0',
  'ofl-1.1', 'cc-by-sa-3.0', 'cc-by-sa-4.0', 'odbl', 'cdla-sharing-1.0', 'openrail', 'openrail++',
  'creativeml-openrail-m', 'bigscience-openrail-m', 'bigscience-bloom-rail-1.0', 'bigcode-openrail-m', 'llama2',
  'llama3', 'llama3.1', 'llama3.2', 'llama3.3', 'llama4', 'gemma', 'c-uda',
]);

const INCOMPATIBLE_PREFIXES = ['cc-by-nc', 'cc-by-nd', 'gpl-', 'agpl-', 'gpl', 'agpl'];
const INCOMPATIBLE = new Set(['fair-noncommercial-research-license', 'deepfloyd-if-license', 'intel-research', 'apple-amlr', 'apple-ascl', 'h-research', 'unknown', 'proprietary']);

export function licenseVerdict(id: string | undefined): LicenseVerdict {
  const key = id?.trim().toLowerCase();
  if (!key) return { score: 0, tier: 'missing' };
  if (COMPATIBLE.has(key)) return { score: 1, tier: 'compatible' };
  if (CONDITIONAL.has(key)) return { score: 0.5, tier: 'conditional' };
  if (INCOMPATIBLE.has(key) || INCOMPATIBLE_PREFIXES.some((p) => key.startsWith(p))) return { score: 0, tier: 'incompatible' };
  return { score: 0.25, tier: 'unclear' };
}

/** Ordered: the most restrictive statement in a License section wins (a "non-commercial Apache-like" text is 0). */
const TEXT_PATTERNS: [RegExp, string][] = [
  [/non-?commercial|cc[- ]by[- ]nc|research (purposes? )?only|not for commercial/, 'cc-by-nc-4.0'],
  [/no ?derivatives|cc[- ]by[- ]nd/, 'cc-by-nd-4.0'],
  [/\bagpl|affero general public/, 'agpl-3.0'],
  [/lesser general public license,? (version |v)?2\.1|\blgpl[- ]?(v|version )?2\.1/, 'lgpl-2.1'],
  [/lesser general public license|\blgpl/, 'lgpl-3.0'],
  [/general public license|\bgplv?\d?\b/, 'gpl-3.0'],
  [/apache license,? (version )?2\.0|apache[- ]2(\.0)?\b/, 'apache-2.0'],
  [/\bmit license\b|\bmit\b/, 'mit'],
  [/\bbsd\b/, 'bsd-3-clause'],
  [/creative commons attribution[- ]share ?alike|cc[- ]by[- ]sa/, 'cc-by-sa-4.0'],
  [/creative commons attribution|cc[- ]by[- ]4\.0/, 'cc-by-4.0'],
  [/\bcc0\b|public domain/, 'cc0-1.0'],
  [/openrail/, 'openrail'],
  [/llama (2|3)/, 'llama3'],
  [/gemma terms/, 'gemma'],
];

/** The license a README's License section names, or undefined when it names none we recognise. */
export function licenseFromText(text: string): string | undefined {
  const lower = text.slice(0, 4000).toLowerCase();
  return TEXT_PATTERNS.find(([re]) => re.test(lower))?.[1];
}
