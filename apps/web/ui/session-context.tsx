import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { apiOptional, currentToken, onTokenChange } from './api/client';
import { claimsOf, type Claims } from './api/session';
import type { TokenInfo } from './api/types';

interface Session {
  claims: Claims | undefined;
  /** The token's ledger entry (uses, max uses, expiry) when the gateway exposes it to this user. */
  tokenInfo: TokenInfo | undefined;
  refreshTokenInfo: () => void;
}

const SessionContext = createContext<Session>({ claims: undefined, tokenInfo: undefined, refreshTokenInfo: () => undefined });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [claims, setClaims] = useState<Claims | undefined>(() => {
    const token = currentToken();
    return token ? claimsOf(token) : undefined;
  });
  const [tokenInfo, setTokenInfo] = useState<TokenInfo | undefined>();

  useEffect(
    () =>
      onTokenChange(() => {
        const token = currentToken();
        setClaims(token ? claimsOf(token) : undefined);
        setTokenInfo(undefined);
      }),
    [],
  );

  const refreshTokenInfo = useCallback(() => {
    if (claims === undefined) return;
    apiOptional<TokenInfo[]>('GET', `/users/${encodeURIComponent(claims.name)}/tokens`)
      .then((tokens) => setTokenInfo(tokens?.find((t) => t.id === claims.tokenId)))
      .catch(() => setTokenInfo(undefined));
  }, [claims]);

  return <SessionContext.Provider value={{ claims, tokenInfo, refreshTokenInfo }}>{children}</SessionContext.Provider>;
}

export const useSession = (): Session => useContext(SessionContext);
