import { botFarmSignal, burstSignal, fewIdentitiesSignal, metronomicSignal, type TrafficEvent, type TrafficSignal } from './traffic-signals';

export type { TrafficEvent, TrafficSignal } from './traffic-signals';

export interface TrafficAnomaly {
  /** Noisy-or of the signals' sub-scores: independent evidence adds up, one signal alone scores its own. */
  score: number;
  signals: TrafficSignal[];
}

/** Fewer recent downloads than this say nothing about automation (every signal needs more anyway). */
export const MIN_TRAFFIC_EVENTS = 12;

/** Combines sub-scores as independent evidence: 1 − Π(1 − sᵢ), rounded to three decimals. */
export function combineScores(scores: readonly number[]): number {
  const rest = scores.reduce((product, s) => product * (1 - s), 1);
  return Math.round((1 - rest) * 1000) / 1000;
}

/**
 * The anomalies in one artifact's recent downloads (any order), or null when the traffic looks organic.
 * `wholeHistory`: false when older downloads fell out of the rolling record (see burstSignal).
 */
export function analyzeTraffic(events: readonly TrafficEvent[], wholeHistory = true): TrafficAnomaly | null {
  if (events.length < MIN_TRAFFIC_EVENTS) return null;
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const signals = [burstSignal(sorted, wholeHistory), fewIdentitiesSignal(sorted), metronomicSignal(sorted), botFarmSignal(sorted)].filter(
    (s): s is TrafficSignal => s !== null,
  );
  if (signals.length === 0) return null;
  return { score: combineScores(signals.map((s) => s.score)), signals };
}
