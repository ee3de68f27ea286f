import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from './egress-policy';
import { SafeFetcher } from './safe-fetcher';
import { UpstreamError } from './upstream-error';

let server: Server;
let base: string;
const hanging: ServerResponse[] = [];

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const n = Number(url.searchParams.get('n') ?? '0');
  switch (url.pathname) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' }).end('hello');
      return;
    case '/json':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
      return;
    case '/bad-json':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":');
      return;
    case '/chain':
      res.writeHead(302, { location: n > 0 ? `/chain?n=${n - 1}` : '/ok' }).end();
      return;
    case '/to-forbidden':
      res.writeHead(302, { location: 'http://evil.example.com/steal' }).end();
      return;
    case '/to-metadata':
      res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      return;
    case '/to-file':
      res.writeHead(301, { location: 'file:///etc/passwd' }).end();
      return;
    case '/big-declared':
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
      hanging.push(res);
      return;
    case '/big-chunked': {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = (): void => {
        while (sent < 5 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    case '/short':
      res.writeHead(200, { 'content-length': '100' });
      res.write(Buffer.alloc(40));
      setTimeout(() => res.destroy(), 20);
      return;
    case '/bad-length':
      res.socket?.end('HTTP/1.1 200 OK\r\ncontent-length: -5\r\n\r\n');
      return;
    case '/hang':
      hanging.push(res);
      return;
    case '/missing':
      res.writeHead(404).end('not found');
      return;
    case '/boom':
      res.writeHead(503).end('down');
      return;
    case '/limited':
      res.writeHead(429, { 'retry-after': '7' }).end('slow down');
      return;
    case '/echo': {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.stringify({ method: req.method, type: req.headers['content-type'], auth: req.headers.authorization, received: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
      });
      return;
    }
    default:
      res.writeHead(400).end();
  }
}

function fetcher(overrides: Partial<ConstructorParameters<typeof EgressPolicy>[0]> = {}, maxBytes = 1024 * 1024): SafeFetcher {
  const policy = new EgressPolicy({ hfEndpoint: base, githubApiUrl: 'https://api.github.com', allowedHosts: [], allowPrivateNetworks: true, ...overrides });
  return new SafeFetcher(policy, { maxBytes, timeoutMs: 300 });
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((r) => server.close(r));
});

describe('SafeFetcher', () => {
  it('fetches, follows up to 5 redirects and reports the final URL', async () => {
    expect(await fetcher().getText(`${base}/chain?n=3`, 100)).toBe('hello');
    const res = await fetcher().get(`${base}/chain?n=4`);
    expect(res.url).toBe(`${base}/ok`);
    res.body.resume();
    expect((await fetcher().getJson(`${base}/json`)).data).toEqual({ a: 1 });
  });

  it('refuses a sixth redirect', async () => {
    expect((await failure(fetcher().get(`${base}/chain?n=5`))).kind).toBe('too-many-redirects');
  });

  it('re-checks every redirect hop: other hosts, metadata IPs and other schemes are refused', async () => {
    for (const path of ['/to-forbidden', '/to-metadata', '/to-file']) {
      const error = await failure(fetcher().get(`${base}${path}`));
      expect(error.kind, path).toBe('forbidden-destination');
      expect(error.retriable).toBe(false);
    }
  });

  it('refuses an oversized body announced by Content-Length before reading it', async () => {
    const error = await failure(fetcher({}, 1024 * 1024).get(`${base}/big-declared`));
    expect(error.kind).toBe('too-large');
  });

  it('aborts a chunked body once it passes the cap', async () => {
    const res = await fetcher({}, 1024 * 1024).get(`${base}/big-chunked`);
    let received = 0;
    const error = await failure(
      (async () => {
        for await (const chunk of res.body) received += (chunk as Buffer).length;
      })(),
    );
    expect(error.kind).toBe('too-large');
    expect(received).toBeLessThanOrEqual(1024 * 1024);
  });

  it('detects a body shorter than its Content-Length and invalid lengths', async () => {
    const res = await fetcher().get(`${base}/short`);
    const error = await failure(
      (async () => {
        for await (const _ of res.body) void _;
      })(),
    );
    expect(error.kind).toBe('length-mismatch');
    expect(error.retriable).toBe(true);
    await expect(fetcher().get(`${base}/bad-length`)).rejects.toBeInstanceOf(UpstreamError);
  });

  it('cancels requests and bodies in flight when its signal aborts (a stopping worker)', async () => {
    const controller = new AbortController();
    const cancellable = fetcher({}, 20 * 1024 * 1024).withSignal(controller.signal);
    const res = await cancellable.get(`${base}/big-declared`);
    const reading = failure(
      (async () => {
        for await (const _ of res.body) void _;
      })(),
    );
    const abortedAt = Date.now();
    controller.abort();
    const error = await reading;
    // Well before the 300 ms idle timeout: it was the abort, not the stalled server, that ended the body.
    expect(Date.now() - abortedAt).toBeLessThan(200);
    expect(error.kind).not.toBe('timeout');
    expect(error.retriable).toBe(true);
    // Once aborted, nothing new goes out; the original fetcher is unaffected.
    expect((await failure(cancellable.get(`${base}/ok`))).kind).toBe('network');
    expect(await fetcher().getText(`${base}/ok`, 100)).toBe('hello');
  });

  it('times out a server that never answers', async () => {
    const started = Date.now();
    const error = await failure(fetcher().get(`${base}/hang`));
    expect(error.kind).toBe('timeout');
    expect(error.retriable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('maps 404 to a permanent failure and 5xx to a retriable one; bad JSON is permanent', async () => {
    const missing = await failure(fetcher().get(`${base}/missing`));
    expect([missing.kind, missing.status, missing.retriable]).toEqual(['not-found', 404, false]);
    const boom = await failure(fetcher().get(`${base}/boom`));
    expect([boom.kind, boom.status, boom.retriable]).toEqual(['http-status', 503, true]);
    expect((await failure(fetcher().getJson(`${base}/bad-json`))).kind).toBe('invalid-response');
  });

  it('POSTs JSON to an allowed API and reads its JSON answer; never follows a redirect; keeps error headers', async () => {
    const answer = await fetcher().postJson(`${base}/echo`, { model: 'm', n: 1 }, { headers: { authorization: 'Bearer k' } });
    expect(answer.data).toEqual({ method: 'POST', type: 'application/json', auth: 'Bearer k', received: { model: 'm', n: 1 } });
    const redirected = await failure(fetcher().postJson(`${base}/chain?n=0`, {}));
    expect([redirected.kind, redirected.status]).toEqual(['http-status', 302]);
    const limited = await failure(fetcher().postJson(`${base}/limited`, {}));
    expect([limited.status, limited.retriable, limited.headers?.['retry-after']]).toEqual([429, true, '7']);
    expect((await failure(fetcher().postJson(`${base}/hang`, {}))).kind).toBe('timeout');
    expect((await failure(fetcher().postJson('http://evil.example.com/v1/chat/completions', {}))).kind).toBe('forbidden-destination');
  });

  it('allows the host of an extra operator-configured endpoint, and only with the private-network rules', async () => {
    const llm = base.replace('127.0.0.1', 'localhost');
    expect((await failure(fetcher().postJson(`${llm}/echo`, {}))).message).toMatch(/not on the upstream allow-list/);
    expect((await fetcher({ extraEndpoints: [`${llm}/v1`] }).postJson(`${llm}/echo`, { ok: true })).data).toMatchObject({ received: { ok: true } });
    const guarded = new EgressPolicy({ hfEndpoint: 'https://huggingface.co', githubApiUrl: 'https://api.github.com', extraEndpoints: ['https://llm.internal/v1'], allowedHosts: [], allowPrivateNetworks: false });
    expect(() => guarded.check(new URL('https://llm.internal/v1/chat/completions'))).not.toThrow();
    expect(() => guarded.checkAddresses('llm.internal', ['10.0.0.5'])).toThrow(/refusing to connect/);
  });

  it('refuses names resolving to private addresses when private networks are not allowed (DNS rebinding)', async () => {
    const resolved: string[] = [];
    const policy = new EgressPolicy({ hfEndpoint: 'https://rebind.example', githubApiUrl: 'https://api.github.com', allowedHosts: [], allowPrivateNetworks: false });
    const rebinding = new SafeFetcher(policy, {
      maxBytes: 1000,
      timeoutMs: 1000,
      resolver: (host) => {
        resolved.push(host);
        return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      },
    });
    const error = await failure(rebinding.get('https://rebind.example/api/models/x'));
    expect(error.kind).toBe('forbidden-destination');
    expect(error.message).toMatch(/127\.0\.0\.1/);
    expect(resolved).toEqual(['rebind.example']);
    const mixed = new SafeFetcher(policy, {
      maxBytes: 1000,
      timeoutMs: 1000,
      resolver: () => Promise.resolve([{ address: '18.2.3.4', family: 4 }, { address: '::ffff:10.0.0.1', family: 6 }]),
    });
    expect((await failure(mixed.get('https://rebind.example/'))).kind).toBe('forbidden-destination');
  });
});
