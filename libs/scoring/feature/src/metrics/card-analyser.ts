import type { RatingEvidence } from '../rating/rating-evidence';
import type { CardDocument } from './card-document';
import type { MetricFinding } from './metric-finding';

/** What a card analyser reads: the evidence and its card, already parsed once for every metric. */
export interface CardAnalysisInput {
  evidence: RatingEvidence;
  card: CardDocument;
}

/**
 * Reads a model card for the three metrics that judge prose: how quickly a newcomer gets started, how well its
 * performance claims are backed, and whether its demo code would run. The deterministic analyser (rules over the
 * parsed card) is always available; an LLM-backed analyser can implement the same interface and degrade to the
 * deterministic one when the model is slow or failing, so callers never know or care which one answered.
 */
export interface CardAnalyser {
  /** Shown in the metric reasons (`deterministic`, `llm:<model>`). */
  readonly name: string;
  rampUp(input: CardAnalysisInput): Promise<MetricFinding>;
  performanceClaims(input: CardAnalysisInput): Promise<MetricFinding>;
  reproducibility(input: CardAnalysisInput): Promise<MetricFinding>;
}
