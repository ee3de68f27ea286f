import { classifyPath } from '@modelguard/domain';
import type { LinkedArtifactEvidence } from '../rating/rating-evidence';
import { hasContent, readCard } from './card-document';
import type { MetricContext } from './metric-context';
import { fellBack, logScale, type MetricFinding, round2, saturate, scored } from './metric-finding';

/**
 * dataset_quality: how trustworthy the linked training/benchmark dataset is, from its card, files and Hub signals.
 * Rules (weights sum to 1):
 *   0.35  documentation: topics with real content (summary, structure/fields, splits, creation/sources,
 *         considerations/bias, citation), full at 4; template text and placeholders do not count
 *   0.15  structured card metadata (task_categories, size_categories, language, dataset_info/configs,
 *         pretty_name, source_datasets, annotations_creators), full at 3
 *   0.20  the data itself: data files in the package, or a declared size when it was too large to mirror (1);
 *         only a loading script (0.5)
 *   0.20  adoption: 0.6 downloads (log scale, full at 10k) + 0.4 likes (full at 100)
 *   0.10  a declared license (`other` counts half, `unknown` nothing)
 * Fallback: no dataset linked to the model gives 0, flagged as fallback (not applicable for the ingest gate).
 */

const TOPICS: Record<string, RegExp> = {
  summary: /summary|description|overview|about/,
  structure: /structure|fields|instances|schema|format/,
  splits: /split/,
  creation: /creation|curation|source|collection|annotation|process/,
  considerations: /consideration|bias|limitation|social impact|personal|sensitive/,
  citation: /citation|bibtex|\bcite\b/,
};
const METADATA_KEYS = ['task_categories', 'size_categories', 'language', 'dataset_info', 'configs', 'pretty_name', 'source_datasets', 'annotations_creators'];

export function datasetQuality({ evidence }: MetricContext): MetricFinding {
  const dataset = evidence.linkedDataset;
  if (!dataset) {
    const named = evidence.metadata.datasets ?? evidence.metadata.card?.datasets ?? [];
    return fellBack(0, named.length ? `no dataset linked (the card names ${named.slice(0, 5).join(', ')}, none registered)` : 'no dataset linked');
  }
  const card = readCard(dataset.metadata.readme);
  const topics = Object.entries(TOPICS).filter(([, re]) => card.sections.some((s) => re.test(s.heading) && hasContent(s))).map(([t]) => t);
  const cardData = dataset.metadata.cardData ?? {};
  const metadataKeys = METADATA_KEYS.filter((k) => cardData[k] !== undefined && cardData[k] !== null).length;
  const data = dataAvailability(dataset);
  const upstream = dataset.metadata.upstream;
  const adoption = 0.6 * logScale(upstream?.downloads, 10_000) + 0.4 * logScale(upstream?.likes, 100);
  const licenseId = (dataset.metadata.license ?? dataset.metadata.card?.license)?.toLowerCase();
  const license = !licenseId || licenseId === 'unknown' ? 0 : licenseId === 'other' ? 0.5 : 1;
  const score = 0.35 * saturate(topics.length, 4) + 0.15 * saturate(metadataKeys, 3) + 0.2 * data.score + 0.2 * adoption + 0.1 * license;
  const notes = [
    `${dataset.name}: documents ${topics.join(', ') || 'nothing'}`,
    `${metadataKeys} structured metadata keys`,
    data.note,
    `${upstream?.downloads ?? 0} downloads, ${upstream?.likes ?? 0} likes`,
    `license ${licenseId ?? 'missing'}`,
  ];
  return scored(round2(score), notes.join('; '));
}

function dataAvailability(dataset: LinkedArtifactEvidence): { score: number; note: string } {
  const dataFiles = dataset.files.filter((f) => classifyPath(f.path) === 'datasets');
  if (dataFiles.length > 0) return { score: 1, note: `${dataFiles.length} data files` };
  const truncated = dataset.metadata.truncated;
  if (truncated && truncated.declaredBytes > 0) return { score: 1, note: `${Math.round(truncated.declaredBytes / 1e6)} MB declared upstream (too large to mirror)` };
  if (dataset.files.some((f) => f.path.endsWith('.py'))) return { score: 0.5, note: 'only a loading script' };
  return { score: 0, note: 'no data files' };
}
