import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDownloadWorkload } from './download-workload';
import { percentile, summarize } from './stats';

const BODY = Buffer.alloc(64 * 1024, 7);

describe('runDownloadWorkload against a real HTTP server', () => {
  let server: http.Server;
  let baseUrl: string;
  const seenTokens = new Set<string>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const token = req.headers['x-authorization'];
      if (typeof token === 'string') seenTokens.add(token);
      if (req.url === '/short') return void res.end(BODY.subarray(0, 10));
      if (req.url !== '/blob' || token === 'bad') return void res.writeHead(403).end('no');
      res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts every download and byte, with ordered latency figures and a series that adds up', async () => {
    const progress: number[] = [];
    const r = await runDownloadWorkload({ baseUrl, path: '/blob', tokens: ['t1', 't2', 't3'], clients: 6, downloadsPerClient: 3, minBytes: BODY.length, onDownload: (n) => progress.push(n) });
    expect(r).toMatchObject({ attempted: 18, succeeded: 18, errors: {}, bytes: 18 * BODY.length });
    expect(progress.at(-1)).toBe(18);
    expect([...seenTokens].sort()).toEqual(['t1', 't2', 't3']);
    expect(r.latency.n).toBe(18);
    expect(r.latency.mean).toBeGreaterThan(0);
    expect(r.latency.p50).toBeLessThanOrEqual(r.latency.p99);
    expect(r.latency.p99).toBeLessThanOrEqual(r.latency.max);
    expect(r.throughputMiBps).toBeGreaterThan(0);
    expect(r.series.reduce((s, b) => s + b.downloads, 0)).toBe(18);
    expect(r.series.reduce((s, b) => s + b.bytes, 0)).toBe(r.bytes);
    expect(r.series.map((b) => b.second)).toEqual(r.series.map((_, i) => i));
  });

  it('reports refusals and short bodies as errors by kind, not as downloads', async () => {
    const refused = await runDownloadWorkload({ baseUrl, path: '/blob', tokens: ['bad'], clients: 2, downloadsPerClient: 2 });
    expect(refused).toMatchObject({ attempted: 4, succeeded: 0, bytes: 0, errors: { 'HTTP 403': 4 }, series: [] });
    expect(Number.isNaN(refused.latency.mean)).toBe(true);
    const short = await runDownloadWorkload({ baseUrl, path: '/short', tokens: ['t'], clients: 1, downloadsPerClient: 2, minBytes: 100 });
    expect(short.errors).toEqual({ 'short body': 2 });
  });

  it('stops issuing downloads once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runDownloadWorkload({ baseUrl, path: '/blob', tokens: ['t'], clients: 3, downloadsPerClient: 5, signal: controller.signal });
    expect(r.attempted).toBe(0);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(summarize([3, 1, 2])).toEqual({ n: 3, mean: 2, p50: 2, p99: 3, max: 3 });
  });
});
