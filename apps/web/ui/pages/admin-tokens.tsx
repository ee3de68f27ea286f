import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, apiOptional } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { formatDate } from '../format';

/** GET /users/{name}/tokens (the users controller's TokenView). */
interface SessionToken {
  id: string;
  issued_at: string;
  expires_at: string;
  uses: number;
  max_uses: number;
  revoked: boolean;
}
/** GET /users/{name}/hf-tokens (personal access tokens for Hugging Face clients). */
interface HfToken {
  id: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
}

/** A list the user may not read (403) or whose API is absent (404/501) is not shown. */
const readable = <T,>(path: string): Promise<T | undefined> =>
  apiOptional<T>('GET', path).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 403) return undefined;
    throw e;
  });

/** One user's sign-in tokens and HF tokens, with revocation (admins may pick any user). */
export function TokensSection({ users }: { users: string[] }) {
  const [name, setName] = useState(users[0] ?? '');
  const [tokens, setTokens] = useState<SessionToken[]>();
  const [hfTokens, setHfTokens] = useState<HfToken[]>();
  const [failure, setFailure] = useState<unknown>();
  const [notice, setNotice] = useState('');

  const refresh = useCallback(() => {
    if (!name) return;
    const base = `/users/${encodeURIComponent(name)}`;
    setFailure(undefined);
    Promise.all([readable<SessionToken[]>(`${base}/tokens`), readable<HfToken[]>(`${base}/hf-tokens`)])
      .then(([t, h]) => {
        setTokens(t);
        setHfTokens(h);
      })
      .catch((e: unknown) => setFailure(e));
  }, [name]);
  useEffect(refresh, [refresh]);

  const revoke = async (path: string, what: string) => {
    try {
      await api('DELETE', `/users/${encodeURIComponent(name)}/${path}`);
      setNotice(`Revoked ${what}.`);
      refresh();
    } catch (e) {
      setFailure(e);
    }
  };

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      <label htmlFor="tokens-user">User</label>
      <select id="tokens-user" value={name} onChange={(e) => setName(e.target.value)}>
        {users.map((u) => (
          <option key={u} value={u}>
            {u}
          </option>
        ))}
      </select>
      <ErrorBox error={failure} title="Could not read or revoke tokens" />
      <p role="status" className="notice">
        {notice}
      </p>
      {tokens && (
        <table className="tokens" aria-label={`Sign-in tokens of ${name}`}>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Issued</th>
              <th scope="col">Expires</th>
              <th scope="col">Uses</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <th scope="row">
                  <code>{t.id.slice(0, 12)}</code>
                </th>
                <td>{formatDate(t.issued_at)}</td>
                <td>{formatDate(t.expires_at)}</td>
                <td>
                  {t.uses} of {t.max_uses}
                </td>
                <td>{t.revoked ? 'revoked' : 'active'}</td>
                <td>
                  {!t.revoked && (
                    <button type="button" className="secondary" aria-label={`Revoke token ${t.id.slice(0, 12)}`} onClick={() => void revoke(`tokens/${encodeURIComponent(t.id)}`, `token ${t.id.slice(0, 12)}`)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tokens && tokens.length === 0 && <p>No sign-in tokens.</p>}
      {hfTokens && hfTokens.length > 0 && (
        <table className="tokens" aria-label={`Hugging Face tokens of ${name}`}>
          <thead>
            <tr>
              <th scope="col">HF token</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {hfTokens.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.label}</th>
                <td>{formatDate(t.created_at)}</td>
                <td>{t.last_used_at ? formatDate(t.last_used_at) : 'never'}</td>
                <td>{t.revoked ? 'revoked' : 'active'}</td>
                <td>
                  {!t.revoked && (
                    <button type="button" className="secondary" aria-label={`Revoke HF token ${t.label}`} onClick={() => void revoke(`hf-tokens/${encodeURIComponent(t.id)}`, `HF token ${t.label}`)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
