import { classifyLicense } from '../licenses/license-classification';

/**
 * How a model license fits ACME's LGPL-2.1 product (the course requirement): may a model under it be combined with,
 * and shipped in, LGPL-2.1 software, commercially? Three tiers plus "unclear", by the license's family
 * (licenses/license-classification.ts):
 *   1    permissive, or weak copyleft that combines cleanly with LGPL-2.1 (LGPL-2.1 itself, LGPL-LR, MPL-2.0)
 *   0.5  allowed with conditions someone must review: other weak copyleft (LGPL-3.0, EPL, EUPL, OFL), permissive
 *        licenses LGPL-2.1 code cannot be combined with (AFL-3.0), share-alike content licenses (CC-BY-SA, ODbL,
 *        GFDL), and responsible-AI / vendor licenses with use restrictions (OpenRAIL, Llama, Gemma, C-UDA)
 *   0.25 a custom license (`other`) or an identifier we do not know: unreadable terms are not a yes
 *   0    non-commercial, no-derivatives, strong or network copyleft (GPL, AGPL: the combined product would have to
 *        be GPL), proprietary research licenses, `unknown`, or no license at all
 */

export interface LicenseVerdict {
  score: number;
  tier: 'compatible' | 'conditional' | 'unclear' | 'incompatible' | 'missing';
}

/** Weak copyleft whose terms LGPL-2.1 software can take on as they are. */
const LGPL21_COMBINABLE = new Set(['lgpl-2.1', 'lgpl-2.1-only', 'lgpl-2.1-or-later', 'lgpl-lr', 'mpl-2.0']);
/** Permissive, but with terms (AFL's patent-termination clause) the LGPL does not allow in a combined work. */
const NOT_LGPL21_COMBINABLE = new Set(['afl-3.0']);

const COMPATIBLE: LicenseVerdict = { score: 1, tier: 'compatible' };
const CONDITIONAL: LicenseVerdict = { score: 0.5, tier: 'conditional' };
const UNCLEAR: LicenseVerdict = { score: 0.25, tier: 'unclear' };
const INCOMPATIBLE: LicenseVerdict = { score: 0, tier: 'incompatible' };

export function licenseVerdict(raw: string | undefined): LicenseVerdict {
  const { id, family } = classifyLicense(raw);
  switch (family) {
    case 'none':
      return { score: 0, tier: 'missing' };
    case 'permissive':
      return NOT_LGPL21_COMBINABLE.has(id) ? CONDITIONAL : COMPATIBLE;
    case 'weak-copyleft':
      return LGPL21_COMBINABLE.has(id) ? COMPATIBLE : CONDITIONAL;
    case 'share-alike':
    case 'use-restricted':
      return CONDITIONAL;
    case 'custom':
    case 'unrecognised':
      return UNCLEAR;
    case 'strong-copyleft':
    case 'network-copyleft':
    case 'non-commercial':
    case 'no-derivatives':
    case 'proprietary':
    case 'unknown':
      return INCOMPATIBLE;
  }
}
