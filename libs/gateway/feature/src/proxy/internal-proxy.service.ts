import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';

const MAX_PROXIED_BYTES = 5 * 1024 * 1024;

/**
 * GETs JSON from another service's /internal API with a timeout and a size bound. Upstream 404 stays 404; any other
 * upstream failure is a 502 (never a hang, never the upstream's raw error body).
 */
@Injectable()
export class InternalProxyService {
  private readonly logger = new Logger('InternalProxyService');

  constructor(@Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings) {}

  async getJson(baseUrl: string | undefined, path: string, what: string): Promise<unknown> {
    return (await this.get(baseUrl, path, what)).body;
  }

  /** Like getJson, keeping the upstream's 2xx status (e.g. 202 while a scan is still queued). */
  async get(baseUrl: string | undefined, path: string, what: string): Promise<{ status: number; body: unknown }> {
    if (baseUrl === undefined || baseUrl.length === 0) throw new ClientError(502, `${what} is not configured on this gateway`);
    const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.settings.gateway.proxyTimeoutMs), headers: { accept: 'application/json' } });
    } catch (error: unknown) {
      this.logger.warn(`${what} unreachable at ${url}: ${error instanceof Error ? error.message : String(error)}`);
      throw new ClientError(502, `${what} is unavailable`);
    }
    if (res.status === 404) throw new ClientError(404, `${what} has nothing for this artifact`);
    if (!res.ok) {
      await res.body?.cancel();
      throw new ClientError(502, `${what} answered ${res.status}`);
    }
    const text = await readBounded(res);
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      throw new ClientError(502, `${what} returned invalid JSON`);
    }
  }
}

async function readBounded(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_PROXIED_BYTES) {
      await reader.cancel();
      throw new ClientError(502, 'upstream response is too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
