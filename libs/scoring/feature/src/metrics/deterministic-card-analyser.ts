import type { CardAnalyser, CardAnalysisInput } from './card-analyser';
import type { MetricFinding } from './metric-finding';
import { performanceClaimsRules } from './performance-claims.metric';
import { rampUpTimeRules } from './ramp-up-time.metric';
import { reproducibilityRules } from './reproducibility.metric';

/** The rule-based card analyser: same card, same scores, no network. Also what an LLM analyser degrades to. */
export class DeterministicCardAnalyser implements CardAnalyser {
  readonly name = 'deterministic';

  rampUp(input: CardAnalysisInput): Promise<MetricFinding> {
    return Promise.resolve(rampUpTimeRules(input));
  }

  performanceClaims(input: CardAnalysisInput): Promise<MetricFinding> {
    return Promise.resolve(performanceClaimsRules(input));
  }

  reproducibility(input: CardAnalysisInput): Promise<MetricFinding> {
    return Promise.resolve(reproducibilityRules(input));
  }
}
