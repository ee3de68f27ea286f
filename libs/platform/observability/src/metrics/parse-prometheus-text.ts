/** One sample of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the text format (version 0.0.4) into samples; comment and blank lines are skipped, a malformed line
 * throws. For tests and tools that read /metrics (the format is what Prometheus itself parses).
 */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line.slice(0, 200)}`);
    const labels: Record<string, string> = {};
    for (const [, key = '', raw = ''] of (match[2] ?? '').matchAll(LABEL)) labels[key] = raw.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const [, name = '', , rawValue = ''] = match;
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    // Go's ParseFloat (Prometheus's parser) takes NaN in any case; prom-client writes `Nan`.
    if (Number.isNaN(value) && !/^nan$/i.test(rawValue)) throw new Error(`bad sample value: ${line.slice(0, 200)}`);
    samples.push({ name, labels, value });
  }
  return samples;
}

/** Sum of the samples called `name` whose labels include every pair of `where`. */
export function sampleSum(samples: readonly PromSample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
