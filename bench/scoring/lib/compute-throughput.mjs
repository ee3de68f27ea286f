// @ts-check
// Ratings per second of the pure computation: computeRating (every metric, deterministic card analyser) over the
// benchmark's evidences, in this process, from the private compiled copy. No database, bus or HTTP is involved, so
// this is the ceiling the scoring service's own work could reach on this machine.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { summarize } from '../../registry/lib/stats.mjs';

/**
 * Rates all `evidences` `rounds` times after one warm-up pass, in two ways: one after another (each await finishes
 * before the next starts; per-rating latency is measured) and all of a round at once (Promise.all), which is how a
 * batch of concurrent jobs shares the event loop. Returns ratings/s per mode (median over the rounds) and the
 * per-rating latency of the sequential mode.
 * @param {string} dist
 * @param {readonly object[]} evidences
 * @param {number} rounds
 */
export async function measureComputeRating(dist, evidences, rounds) {
  const { computeRating } = createRequire(import.meta.url)(join(dist, 'libs/scoring/feature/src/rating/compute-rating.js'));
  const fallbacks = new Map();
  const netScores = [];
  for (const evidence of evidences) {
    const { rating, fallbacks: used } = await computeRating(evidence);
    netScores.push(rating.net_score);
    for (const m of used) fallbacks.set(m, (fallbacks.get(m) ?? 0) + 1);
  }

  const sequentialRates = [];
  const perRating = [];
  const concurrentRates = [];
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    for (const evidence of evidences) {
      const t = performance.now();
      await computeRating(evidence);
      perRating.push(performance.now() - t);
    }
    sequentialRates.push(evidences.length / ((performance.now() - t0) / 1000));
    t0 = performance.now();
    await Promise.all(evidences.map((e) => computeRating(e)));
    concurrentRates.push(evidences.length / ((performance.now() - t0) / 1000));
  }
  const distinct = new Set(netScores.map((s) => s.toFixed(3))).size;
  return {
    packages: evidences.length,
    rounds,
    sequential: { ratingsPerSecond: summarize(sequentialRates).p50, perRatingMs: summarize(perRating) },
    concurrent: { ratingsPerSecond: summarize(concurrentRates).p50 },
    distinctNetScores: distinct,
    netScoreRange: [Math.min(...netScores), Math.max(...netScores)],
    fallbacks: Object.fromEntries(fallbacks),
  };
}
