import type { PackageMetadata } from '@modelguard/contracts';
import { licenseFromText, licenseVerdict } from './license-compatibility';
import type { MetricContext } from './metric-context';
import { fellBack, type MetricFinding, scored } from './metric-finding';

/**
 * license: compatibility of the model's license with LGPL-2.1 (table in license-compatibility.ts). Where the license
 * is read, first hit wins: the package metadata's license, the card front matter, the Hub's card data (with its
 * `license_name` when the id is `other`), the Hub's `license:` tag, then the README's "License" section (the course
 * rule: ACME reads the license under a Markdown heading "License"). No license anywhere scores 0: that is a finding
 * about the model, not missing evidence, so it is not a fallback.
 */
export function license({ evidence, card }: MetricContext): MetricFinding {
  const declared = declaredLicense(evidence.metadata);
  if (declared) {
    const verdict = licenseVerdict(declared.id);
    return scored(verdict.score, `${declared.id} (${declared.from}): ${verdict.tier} with LGPL-2.1`);
  }
  const section = card.sections.find((s) => /^licen[cs]e|licensing/.test(s.heading));
  if (section) {
    const fromText = licenseFromText(`${section.heading}\n${section.prose}\n${section.tables.map((t) => t.header.join(' ')).join('\n')}`);
    if (fromText) {
      const verdict = licenseVerdict(fromText);
      return scored(verdict.score, `README License section reads as ${fromText}: ${verdict.tier} with LGPL-2.1`);
    }
    return scored(licenseVerdict('other').score, 'README License section names no license we recognise: unclear terms');
  }
  if (!card.present && !evidence.metadata.upstream) return fellBack(0, 'no card and no upstream metadata: no license stated');
  return scored(0, 'no license in the metadata, the card or a README License section');
}

function declaredLicense(metadata: PackageMetadata): { id: string; from: string } | undefined {
  const cardData = metadata.cardData ?? {};
  const fromCardData = Array.isArray(cardData['license']) ? cardData['license'][0] : cardData['license'];
  const tag = metadata.upstream?.tags?.find((t) => t.startsWith('license:'))?.slice('license:'.length);
  const candidates: [unknown, string][] = [
    [metadata.license, 'package metadata'],
    [metadata.card?.license, 'card front matter'],
    [fromCardData, 'Hub card data'],
    [tag, 'Hub license tag'],
  ];
  for (const [value, from] of candidates) {
    if (typeof value !== 'string' || value.trim() === '') continue;
    const id = value.trim().toLowerCase();
    const named = cardData['license_name'];
    if (id === 'other' && typeof named === 'string' && named.trim()) return { id: named.trim().toLowerCase().slice(0, 100), from: `${from}, license_name` };
    return { id, from };
  }
  return undefined;
}
