import type { PackageMetadata } from '@modelguard/contracts';
import type { CardDocument } from '../metrics/card-document';
import { licenseFromText } from './license-text';

/** Where a model's license was found, and what it says. */
export type ModelLicense =
  /** Stated as an id: `from` says which source (package metadata, card front matter, Hub card data, Hub tag). */
  | { kind: 'declared'; id: string; from: string }
  /** Read from the README's "License" section. */
  | { kind: 'readme'; id: string }
  /** The README has a License section, but it names no license we recognise. */
  | { kind: 'readme-unrecognised' }
  | { kind: 'none' };

/**
 * The license a stored model states, first hit wins: the package metadata's license, the card front matter, the
 * Hub's card data (with its `license_name` when the id is `other`), the Hub's `license:` tag (all of which ingest
 * read from the Hugging Face API), the README's own front matter (uploads), then the README's "License" section
 * (the course rule: ACME reads the license under a Markdown heading "License"). Shared by the `license` metric and
 * the license check, so both judge the same license.
 */
export function modelLicenseOf(metadata: PackageMetadata, card: CardDocument): ModelLicense {
  const declared = declaredLicense(metadata);
  if (declared) return { kind: 'declared', ...declared };
  const section = card.sections.find((s) => /^licen[cs]e|licensing/.test(s.heading));
  if (!section) return { kind: 'none' };
  const id = licenseFromText(`${section.heading}\n${section.prose}\n${section.tables.map((t) => t.header.join(' ')).join('\n')}`);
  return id ? { kind: 'readme', id } : { kind: 'readme-unrecognised' };
}

/** Front matter longer than this is not front matter (the card reader bounds it the same way). */
const FRONT_MATTER_MAX_CHARS = 64 * 1024;

/**
 * The `license:` key of the README's own YAML front matter. Ingest copies it into the metadata for fetched models;
 * an uploaded package arrives with its README only, and this is where its card states the license.
 */
function frontMatterLicense(readme: string | undefined): string | undefined {
  const text = readme?.startsWith('\uFEFF') ? readme.slice(1) : readme;
  if (text === undefined || !/^---\r?\n/.test(text)) return undefined;
  const end = text.slice(0, FRONT_MATTER_MAX_CHARS).search(/\n---[ \t]*\r?(\n|$)/);
  if (end < 0) return undefined;
  return /^license:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9._+-]{0,99})["']?[ \t]*\r?$/m.exec(text.slice(0, end))?.[1];
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
    [frontMatterLicense(metadata.readme), 'README front matter'],
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
