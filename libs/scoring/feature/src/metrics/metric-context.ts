import type { RatingEvidence } from '../rating/rating-evidence';
import type { CardAnalyser } from './card-analyser';
import { type CardDocument, readCard } from './card-document';

/** Everything a metric is a function of: the evidence, its card parsed once, and the analyser for prose. */
export interface MetricContext {
  evidence: RatingEvidence;
  card: CardDocument;
  analyser: CardAnalyser;
}

export function metricContext(evidence: RatingEvidence, analyser: CardAnalyser): MetricContext {
  return { evidence, card: readCard(evidence.metadata.readme), analyser };
}

/**
 * The names code may use for this model: the upstream repo id (`google-bert/bert-base-uncased`), its last segment
 * (`bert-base-uncased`, which the Hub still resolves for legacy ids), and the registry name. Lower-cased.
 */
export function modelNames(evidence: RatingEvidence): string[] {
  const names = new Set<string>();
  const add = (value: string | undefined) => {
    const v = value?.trim().toLowerCase();
    if (v) names.add(v);
  };
  const repo = evidence.metadata.upstream?.repo;
  add(repo);
  add(repo?.split('/').pop());
  add(evidence.artifact.name);
  add(evidence.artifact.name.split('/').pop());
  return [...names];
}

/** The task the model declares (the Hub's pipeline tag, from the card or the upstream info). */
export function declaredTask(evidence: RatingEvidence): string | undefined {
  return evidence.metadata.card?.pipeline_tag ?? evidence.metadata.upstream?.pipelineTag;
}

/** The library the model loads with, as the card or the Hub states it. */
export function declaredLibrary(evidence: RatingEvidence): string | undefined {
  return evidence.metadata.card?.library_name ?? evidence.metadata.upstream?.libraryName;
}
