// @ts-check
// Every service's VmRSS once a second, and what the report says about each curve: start, end, max and the
// least-squares slope (MiB per minute), which is what "flat" means in numbers.
import { procMemory } from '../../registry/lib/registry-server.mjs';

const MiB = 1024 * 1024;

/**
 * @param {Record<string, { pid: number, exited: () => boolean }>} services
 * @returns {{ samples: Array<{ t: number } & Record<string, number>>, stop: () => void }}
 */
export function startRssSampling(services, intervalMs = 1_000) {
  const t0 = Date.now();
  /** @type {Array<{ t: number } & Record<string, number>>} */
  const samples = [];
  const sample = () => {
    /** @type {{ t: number } & Record<string, number>} */
    const row = { t: (Date.now() - t0) / 1000 };
    for (const [name, s] of Object.entries(services)) if (!s.exited()) row[name] = Math.round((procMemory(s.pid).rss / MiB) * 10) / 10;
    samples.push(row);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return { samples, stop: () => clearInterval(timer) };
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

/**
 * Per service: RSS (MiB) at the start and end of the window, its max, and the slope in MiB/min over the whole
 * window and over its second half (warm-up growth — JIT, pools, caches filling — shows in the first, a leak in both).
 * @param {Array<{ t: number } & Record<string, number>>} samples
 * @param {string[]} names
 */
export function rssFigures(samples, names) {
  return names.map((name) => {
    const pts = samples.filter((s) => Number.isFinite(s[name])).map((s) => [s.t / 60, s[name]]);
    const half = pts.filter((p) => p[0] >= (pts[pts.length - 1]?.[0] ?? 0) / 2);
    return {
      service: name,
      startMiB: pts[0]?.[1] ?? NaN,
      endMiB: pts[pts.length - 1]?.[1] ?? NaN,
      maxMiB: Math.max(...pts.map((p) => p[1])),
      slopeMiBPerMin: slope(pts),
      secondHalfSlopeMiBPerMin: slope(half),
    };
  });
}
