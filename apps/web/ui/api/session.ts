import { api, setToken } from './client';

export interface Claims {
  name: string;
  isAdmin: boolean;
  permissions: string[];
  tokenId: string;
  expiresAt: Date;
}

/** Reads (does not verify: the gateway does) the JWT payload, so the UI can show who is signed in and until when. */
export function claimsOf(token: string): Claims | undefined {
  const jwt = token.replace(/^bearer\s+/i, '');
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    if (typeof json['sub'] !== 'string' || typeof json['exp'] !== 'number') return undefined;
    return {
      name: json['sub'],
      isAdmin: json['adm'] === true,
      permissions: Array.isArray(json['perms']) ? json['perms'].filter((p): p is string => typeof p === 'string') : [],
      tokenId: typeof json['jti'] === 'string' ? json['jti'] : '',
      expiresAt: new Date(json['exp'] * 1000),
    };
  } catch {
    return undefined;
  }
}

export async function signIn(name: string, password: string, isAdmin: boolean): Promise<Claims> {
  const { body } = await api<string>('PUT', '/authenticate', { user: { name, is_admin: isAdmin }, secret: { password } });
  const claims = claimsOf(body);
  if (claims === undefined) throw new Error('the registry answered with a token this page cannot read');
  setToken(body);
  return claims;
}

/** Revokes the token server-side (DELETE /authenticate), then forgets it; forgetting happens even if that fails. */
export async function signOut(): Promise<void> {
  try {
    await api('DELETE', '/authenticate');
  } finally {
    setToken(undefined);
  }
}
