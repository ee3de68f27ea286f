import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD } from '../src/auth/actor';
import type { ContractClient } from './contract-client';

export async function loginAsAdmin(client: ContractClient, password = DEFAULT_ADMIN_PASSWORD): Promise<string> {
  const res = await client.call<string>('PUT', '/authenticate', { json: { user: { name: DEFAULT_ADMIN_NAME, is_admin: true }, secret: { password } } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.raw.toString()}`);
  return res.body;
}

export interface CreatedArtifact {
  metadata: { name: string; id: string; type: string };
  data: { url: string; download_url: string };
}
