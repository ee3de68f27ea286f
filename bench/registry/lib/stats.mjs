// @ts-check
// Small helpers for turning raw timings into the figures the benchmarks print.
import { loadavg } from 'node:os';

export const MiB = 1024 * 1024;

/** Nearest-rank percentile of an ascending-sorted array (p in 0..100). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** p50 / p95 / p99 / mean / max of a list of millisecond durations. */
export function summarize(durationsMs) {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean, max: sorted[sorted.length - 1] ?? NaN };
}

/** 1-minute load average, printed next to every figure: this 2-core machine is shared with other work. */
export function load1() {
  return loadavg()[0].toFixed(2);
}

export function mbps(bytes, ms) {
  return bytes / MiB / (ms / 1000);
}

export function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Prints rows (arrays of cells) as an aligned plain-text table with a header row. */
export function printTable(title, header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(all[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of all.slice(1)) console.log(line(r));
}

/** Runs `worker(i)` for i in 0..count-1 with at most `concurrency` in flight; resolves when all settled. */
export async function pool(count, concurrency, worker) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      await worker(i);
    }
  });
  await Promise.all(lanes);
}
