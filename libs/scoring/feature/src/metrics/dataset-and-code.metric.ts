import type { LinkedArtifactEvidence } from '../rating/rating-evidence';
import { countWords } from './card-document';
import type { MetricContext } from './metric-context';
import { fellBack, type MetricFinding, round2, scored } from './metric-finding';

/**
 * dataset_and_code_score: are the training/benchmark data and example code available to the registry user?
 *   dataset half (0.5): a dataset registered with the model: 0.3, plus 0.2 when its card documents it (100 words or
 *     more); only named in the model card (not registered, so nobody can inspect it): 0.1
 *   code half (0.5): a code repository registered with the model: 0.3, plus 0.2 when its README documents it
 * Example snippets in the card are credited by ramp_up_time and reproducibility, not here.
 * Fallback: nothing registered with the model is flagged as fallback (not applicable for the ingest gate: the absence
 * of companions says nothing bad about the model); the score is still 0.1 when the card names its datasets.
 */
export function datasetAndCodeScore({ evidence }: MetricContext): MetricFinding {
  const named = evidence.metadata.datasets ?? evidence.metadata.card?.datasets ?? [];
  if (!evidence.linkedDataset && !evidence.linkedCode) {
    if (named.length === 0) return fellBack(0, 'no dataset or code linked, no dataset named in the card');
    return fellBack(0.1, `no dataset or code registered with the model; datasets named in the card (${named.slice(0, 5).join(', ')})`);
  }
  const dataset = evidence.linkedDataset ? linkedPart(evidence.linkedDataset) : named.length > 0 ? { score: 0.1, note: `datasets named but not registered (${named.slice(0, 5).join(', ')})` } : { score: 0, note: 'no dataset' };
  const code = evidence.linkedCode ? linkedPart(evidence.linkedCode) : { score: 0, note: 'no code linked' };
  return scored(round2(dataset.score + code.score), `dataset: ${dataset.note}; code: ${code.note}`);
}

function linkedPart(linked: LinkedArtifactEvidence): { score: number; note: string } {
  const words = countWords((linked.metadata.readme ?? '').slice(0, 256 * 1024));
  const documented = words >= 100;
  return { score: 0.3 + (documented ? 0.2 : 0), note: `${linked.name} registered${documented ? ', documented' : `, README only ${words} words`}` };
}
