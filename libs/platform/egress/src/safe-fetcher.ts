import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { ClientRequest, IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EgressPolicy } from './egress-policy';
import { guardedLookup, Resolver, systemResolver } from './guarded-lookup';
import { UpstreamError, isUpstreamError } from './upstream-error';

export interface SafeFetcherOptions {
  /** Default cap on any response body (AppConfig.upstream.maxPackageBytes). */
  maxBytes: number;
  /** Socket idle timeout: no byte for this long (while connecting, waiting or streaming) aborts the fetch. */
  timeoutMs: number;
  resolver?: Resolver;
  /** Sent on every request; services name themselves so upstream operators can tell callers apart. */
  userAgent?: string;
  /** Aborts every request of this fetcher (see withSignal): a stopping worker cancels its downloads. */
  signal?: AbortSignal;
}

export interface FetchOptions {
  headers?: Record<string, string>;
  maxBytes?: number;
  timeoutMs?: number;
}

export interface UpstreamResponse {
  /** The final URL after redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  contentLength: number | null;
  /** Capped and length-checked body; errors with UpstreamError. The caller must consume or destroy it. */
  body: Readable;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_JSON_BYTES = 16 * 1024 * 1024;
const DEFAULT_USER_AGENT = 'ModelGuard/1.0';

/** Enforces the byte cap while streaming and checks the total against Content-Length at the end. */
class BodyGuard extends Transform {
  private seen = 0;

  constructor(
    private readonly url: string,
    private readonly cap: number,
    private readonly declared: number | null,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.cap) {
      cb(new UpstreamError('too-large', `${this.url} exceeds the ${this.cap}-byte limit`));
      return;
    }
    if (this.declared != null && this.seen > this.declared) {
      cb(new UpstreamError('length-mismatch', `${this.url} sent more bytes than its Content-Length`));
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.declared != null && this.seen !== this.declared) {
      cb(new UpstreamError('length-mismatch', `${this.url} ended after ${this.seen} of ${this.declared} bytes`));
      return;
    }
    cb();
  }
}

function parseContentLength(value: string | undefined): number | null {
  if (value == null) return null;
  if (!/^\d{1,16}$/.test(value.trim())) throw new UpstreamError('invalid-response', `invalid Content-Length ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

/**
 * The only way service code talks to the internet. Every hop (including redirects, followed manually) is checked
 * against the host allow-list and every resolved address against the private-network rules; bodies are capped,
 * length-checked and time-limited. Never uses a shared agent, so no socket checked for one host is reused for another.
 */
export class SafeFetcher {
  private readonly resolver: Resolver;

  constructor(
    private readonly policy: EgressPolicy,
    private readonly options: SafeFetcherOptions,
  ) {
    this.resolver = options.resolver ?? systemResolver;
  }

  /** The same fetcher whose requests (and response bodies) are cancelled when `signal` aborts. */
  withSignal(signal: AbortSignal): SafeFetcher {
    return new SafeFetcher(this.policy, { ...this.options, resolver: this.resolver, signal });
  }

  /** GET with redirects; resolves on a 2xx with a guarded body stream, throws UpstreamError otherwise. */
  async get(rawUrl: string, opts: FetchOptions = {}): Promise<UpstreamResponse> {
    let url = this.parse(rawUrl);
    let hopOpts = opts;
    for (let hop = 0; ; hop += 1) {
      this.policy.check(url);
      const res = await this.send(url, hopOpts);
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status) && res.headers.location) {
        res.resume();
        if (hop >= MAX_REDIRECTS) throw new UpstreamError('too-many-redirects', `more than ${MAX_REDIRECTS} redirects from ${rawUrl}`);
        const next = this.parse(res.headers.location, url);
        // Credentials are for the origin they were given to (as browsers and curl do): a redirect to codeload or a
        // CDN must not carry the GitHub token along.
        if (next.origin !== url.origin) hopOpts = { ...hopOpts, headers: withoutCredentials(hopOpts.headers) };
        url = next;
        continue;
      }
      if (status < 200 || status >= 300) throw statusError(url, res);
      return this.guard(url, res, opts.maxBytes ?? this.options.maxBytes);
    }
  }

  /** GET a JSON document (small cap by default); invalid JSON is a non-retriable invalid-response. */
  async getJson(rawUrl: string, opts: FetchOptions = {}): Promise<{ data: unknown; headers: IncomingHttpHeaders; status: number }> {
    const res = await this.get(rawUrl, { ...opts, headers: { accept: 'application/json', ...opts.headers }, maxBytes: opts.maxBytes ?? DEFAULT_JSON_BYTES });
    return jsonOf(res);
  }

  /**
   * POST a JSON document to an API and read its JSON answer (the scoring service's LLM endpoint). The destination is
   * checked like any GET; redirects are not followed, since a POST re-sent elsewhere would carry its body and
   * credentials to a host nobody configured, so a 3xx is an error like any other non-2xx.
   */
  async postJson(rawUrl: string, body: unknown, opts: FetchOptions = {}): Promise<{ data: unknown; headers: IncomingHttpHeaders; status: number }> {
    const url = this.parse(rawUrl);
    this.policy.check(url);
    const headers = { accept: 'application/json', 'content-type': 'application/json', ...opts.headers };
    const res = await this.send(url, { ...opts, headers }, { method: 'POST', body: Buffer.from(JSON.stringify(body)) });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw statusError(url, res);
    return jsonOf(this.guard(url, res, opts.maxBytes ?? DEFAULT_JSON_BYTES));
  }

  /** GET a text document; callers pick a small cap (README, config.json). */
  async getText(rawUrl: string, maxBytes: number): Promise<string> {
    const res = await this.get(rawUrl, { maxBytes });
    return readText(res.body);
  }

  /** Streams a response into a file (e.g. a zipball) and returns its size and digest. */
  async download(rawUrl: string, destination: string, opts: FetchOptions = {}): Promise<{ size: number; sha256: string }> {
    const res = await this.get(rawUrl, opts);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _e, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(res.body, tap, createWriteStream(destination, { mode: 0o600 }));
    return { size, sha256: hash.digest('hex') };
  }

  private parse(raw: string, base?: URL): URL {
    try {
      return new URL(raw, base);
    } catch (error) {
      throw new UpstreamError('forbidden-destination', `not a valid URL: ${JSON.stringify(raw.slice(0, 200))}`, undefined, { cause: error });
    }
  }

  private send(url: URL, opts: FetchOptions, request: { method: 'GET' | 'POST'; body?: Buffer } = { method: 'GET' }): Promise<IncomingMessage> {
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const length = request.body ? { 'content-length': String(request.body.length) } : {};
      let req: ClientRequest;
      try {
        req = send(url, {
          method: request.method,
          agent: false,
          lookup: guardedLookup(this.policy, this.resolver),
          timeout: timeoutMs,
          signal: this.options.signal,
          headers: { 'user-agent': this.options.userAgent ?? DEFAULT_USER_AGENT, 'accept-encoding': 'identity', ...opts.headers, ...length },
        });
      } catch (error) {
        reject(new UpstreamError('network', `cannot request ${url.origin}: ${(error as Error).message}`, undefined, { cause: error }));
        return;
      }
      req.on('timeout', () => req.destroy(new UpstreamError('timeout', `${url.origin}${url.pathname} timed out after ${timeoutMs} ms`)));
      req.on('error', (error) => {
        reject(isUpstreamError(error) ? error : new UpstreamError('network', `${url.origin} failed: ${error.message}`, undefined, { cause: error }));
      });
      req.on('response', resolve);
      req.end(request.body);
    });
  }

  private guard(url: URL, res: IncomingMessage, cap: number): UpstreamResponse {
    let declared: number | null;
    try {
      declared = parseContentLength(res.headers['content-length']);
    } catch (error) {
      res.destroy();
      throw error;
    }
    if (declared != null && declared > cap) {
      res.destroy();
      throw new UpstreamError('too-large', `${url.origin}${url.pathname} is ${declared} bytes, over the ${cap}-byte limit`);
    }
    const guard = new BodyGuard(`${url.origin}${url.pathname}`, cap, declared);
    res.on('error', (error) => guard.destroy(isUpstreamError(error) ? error : new UpstreamError('network', `connection to ${url.origin} broke: ${error.message}`, undefined, { cause: error })));
    // A server that closes early without an error still must not pass as a complete file.
    res.on('aborted', () => guard.destroy(new UpstreamError('length-mismatch', `${url.origin}${url.pathname} closed mid-body`)));
    guard.on('error', () => res.destroy());
    res.pipe(guard);
    return { url: url.toString(), status: res.statusCode ?? 0, headers: res.headers, contentLength: declared, body: guard };
  }
}

/** A non-2xx answer as an UpstreamError (its body discarded, its headers kept for Retry-After and rate limits). */
function statusError(url: URL, res: IncomingMessage): UpstreamError {
  res.resume();
  const status = res.statusCode ?? 0;
  const kind = status === 404 || status === 410 ? 'not-found' : 'http-status';
  return new UpstreamError(kind, `${url.origin}${url.pathname} answered ${status}`, status, { headers: res.headers });
}

async function jsonOf(res: UpstreamResponse): Promise<{ data: unknown; headers: IncomingHttpHeaders; status: number }> {
  const text = await readText(res.body);
  // 204 No Content has no body by definition (GitHub answers it for the contributors of an empty repository).
  if (res.status === 204) return { data: null, headers: res.headers, status: res.status };
  try {
    return { data: JSON.parse(text) as unknown, headers: res.headers, status: res.status };
  } catch (error) {
    throw new UpstreamError('invalid-response', `${res.url} did not return valid JSON`, res.status, { cause: error });
  }
}

function withoutCredentials(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)));
}

async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
