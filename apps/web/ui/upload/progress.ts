/**
 * Upload speed and time left from XMLHttpRequest progress events. The rate is measured over a sliding window of
 * recent samples (the first seconds of an upload are dominated by buffering), so the estimate follows the network.
 */
export interface Sample {
  at: number; // ms
  bytes: number;
}
export interface ProgressFigures {
  sent: number;
  total: number;
  /** Bytes per second over the window; undefined until two samples are at least 200 ms apart. */
  rate: number | undefined;
  /** Seconds left at that rate; undefined while the rate is. */
  secondsLeft: number | undefined;
}

export const WINDOW_MS = 3000;

export function addSample(samples: Sample[], sample: Sample): Sample[] {
  const kept = samples.filter((s) => sample.at - s.at <= WINDOW_MS);
  return [...kept, sample];
}

export function figures(samples: Sample[], total: number): ProgressFigures {
  const last = samples.at(-1);
  const first = samples[0];
  const sent = last?.bytes ?? 0;
  if (!last || !first || last.at - first.at < 200) return { sent, total, rate: undefined, secondsLeft: undefined };
  const rate = ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  return { sent, total, rate, secondsLeft: rate > 0 ? Math.max(0, total - sent) / rate : undefined };
}
