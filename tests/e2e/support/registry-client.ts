import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD } from '@modelguard/gateway-feature';

/** The few public API calls the cross-service scenarios need, as a black-box HTTP client of the gateway. */
export class RegistryClient {
  private token: string | undefined;

  constructor(readonly baseUrl: string) {}

  async login(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/authenticate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { name: DEFAULT_ADMIN_NAME, is_admin: true }, secret: { password: DEFAULT_ADMIN_PASSWORD } }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    this.token = (await res.json()) as string;
    return this.token;
  }

  /** POST /artifact/{type}; returns the new id (201 completed or 202 accepted both count). */
  async createArtifact(type: 'model' | 'dataset' | 'code', url: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}/artifact/${type}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authorization': await this.auth() },
      body: JSON.stringify({ url }),
      signal: AbortSignal.timeout(20_000),
    });
    if (res.status !== 201 && res.status !== 202) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { metadata: { id: string } };
    return body.metadata.id;
  }

  async audit(type: string, id: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/artifact/${type}/${id}/audit`, {
      headers: { 'x-authorization': await this.auth() },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
  }

  /** GET /artifact/model/{id}/rate (the rating read model). */
  async rate(id: string): Promise<{ status: number; contentType: string | null; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/artifact/model/${id}/rate`, { headers: { 'x-authorization': await this.auth() }, signal: AbortSignal.timeout(10_000) });
    const contentType = res.headers.get('content-type');
    return { status: res.status, contentType, body: contentType?.includes('json') ? await res.json() : await res.text() };
  }

  private async auth(): Promise<string> {
    return this.token ?? (await this.login());
  }
}
