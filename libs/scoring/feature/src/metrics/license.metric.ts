import { modelLicenseOf } from '../licenses/model-license';
import { licenseVerdict } from './license-compatibility';
import type { MetricContext } from './metric-context';
import { fellBack, type MetricFinding, scored } from './metric-finding';

/**
 * license: compatibility of the model's license with LGPL-2.1 (table in license-compatibility.ts). The license is
 * read as licenses/model-license.ts says (package metadata, card front matter, the Hub's card data and tag, then
 * the README's "License" section). No license anywhere scores 0: that is a finding about the model, not missing
 * evidence, so it is not a fallback.
 */
export function license({ evidence, card }: MetricContext): MetricFinding {
  const found = modelLicenseOf(evidence.metadata, card);
  switch (found.kind) {
    case 'declared': {
      const verdict = licenseVerdict(found.id);
      return scored(verdict.score, `${found.id} (${found.from}): ${verdict.tier} with LGPL-2.1`);
    }
    case 'readme': {
      const verdict = licenseVerdict(found.id);
      return scored(verdict.score, `README License section reads as ${found.id}: ${verdict.tier} with LGPL-2.1`);
    }
    case 'readme-unrecognised':
      return scored(licenseVerdict('other').score, 'README License section names no license we recognise: unclear terms');
    case 'none':
      if (!card.present && !evidence.metadata.upstream) return fellBack(0, 'no card and no upstream metadata: no license stated');
      return scored(0, 'no license in the metadata, the card or a README License section');
  }
}
