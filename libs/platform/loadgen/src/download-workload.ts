import http from 'node:http';
import { mibPerSecond, summarize, type LatencySummary } from './stats';

export interface DownloadWorkloadOptions {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** The download path, e.g. /artifacts/model/{id}/download. */
  path: string;
  /** X-Authorization values; client i uses tokens[i % tokens.length] (one per client, as separate users' tools). */
  tokens: readonly string[];
  clients: number;
  downloadsPerClient: number;
  /** A 200 whose body is shorter than this counts as an error ("short body"), not as a download. */
  minBytes?: number;
  /** Per-download limit; a download still running after it counts as an error. */
  timeoutMs?: number;
  /** Stops issuing downloads and aborts those in flight (they count as errors). */
  signal?: AbortSignal;
  /** Called after every attempt (progress reporting). */
  onDownload?: (completed: number) => void;
}

/** Downloads that completed in one second of the run (second 0 starts when the first request is sent). */
export interface SecondBucket {
  second: number;
  downloads: number;
  bytes: number;
}

export interface DownloadWorkloadResult {
  attempted: number;
  succeeded: number;
  /** Failures by kind: `HTTP 429`, `short body`, or the first 60 characters of a network error. */
  errors: Record<string, number>;
  /** Body bytes of the successful downloads. */
  bytes: number;
  wallMs: number;
  throughputMiBps: number;
  /** Per successful download: from sending the request to the last body byte. */
  latency: LatencySummary;
  series: SecondBucket[];
}

interface Outcome {
  status: number;
  bytes: number;
}

/** One GET whose body is counted and dropped, so memory stays flat whatever the package size. */
function download(base: string, path: string, token: string, agent: http.Agent, timeoutMs: number, signal?: AbortSignal): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { headers: { 'X-Authorization': token }, agent, signal }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`download timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * `clients` concurrent clients each download `path` `downloadsPerClient` times, one after the other, over their own
 * keep-alive connection. Only asynchronous I/O: the caller's event loop (a server measuring itself) keeps running.
 */
export async function runDownloadWorkload(o: DownloadWorkloadOptions): Promise<DownloadWorkloadResult> {
  if (o.tokens.length === 0) throw new Error('runDownloadWorkload needs at least one token');
  const timeoutMs = o.timeoutMs ?? 600_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const buckets = new Map<number, SecondBucket>();
  let bytes = 0;
  let attempted = 0;
  const countError = (key: string) => (errors[key] = (errors[key] ?? 0) + 1);
  const t0 = performance.now();

  const client = async (i: number) => {
    const token = o.tokens[i % o.tokens.length];
    for (let k = 0; k < o.downloadsPerClient && o.signal?.aborted !== true; k++) {
      const start = performance.now();
      try {
        const res = await download(o.baseUrl, o.path, token, agent, timeoutMs, o.signal);
        const end = performance.now();
        if (res.status !== 200) countError(`HTTP ${res.status}`);
        else if (res.bytes < (o.minBytes ?? 0)) countError('short body');
        else {
          latencies.push(end - start);
          bytes += res.bytes;
          const second = Math.floor((end - t0) / 1000);
          const bucket = buckets.get(second) ?? { second, downloads: 0, bytes: 0 };
          bucket.downloads += 1;
          bucket.bytes += res.bytes;
          buckets.set(second, bucket);
        }
      } catch (err) {
        countError(err instanceof Error ? err.message.slice(0, 60) : 'error');
      }
      attempted += 1;
      o.onDownload?.(attempted);
    }
  };

  try {
    await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
  } finally {
    agent.destroy();
  }
  const wallMs = performance.now() - t0;
  const last = Math.max(-1, ...buckets.keys());
  // Every second of the run appears, empty ones included, so a chart of the series shows stalls as zeros.
  const series = Array.from({ length: last + 1 }, (_, second) => buckets.get(second) ?? { second, downloads: 0, bytes: 0 });
  return { attempted, succeeded: latencies.length, errors, bytes, wallMs, throughputMiBps: mibPerSecond(bytes, wallMs), latency: summarize(latencies), series };
}
