import { useCallback, useEffect, useState } from 'react';
import { api, apiOptional } from '../api/client';
import type { User } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { ConfusionSection } from './admin-confusion';
import { NewUserForm } from './admin-new-user';
import { ResetSection } from './admin-reset';
import { TokensSection } from './admin-tokens';

export default function AdminPage() {
  const [users, setUsers] = useState<User[]>();
  const [failure, setFailure] = useState<unknown>();
  const refresh = useCallback(() => {
    apiOptional<User[]>('GET', '/users')
      .then(setUsers)
      .catch((e: unknown) => setFailure(e));
  }, []);
  useEffect(refresh, [refresh]);
  const remove = async (name: string) => {
    try {
      await api('DELETE', `/users/${encodeURIComponent(name)}`);
      refresh();
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <>
      <h1>Administration</h1>
      <ErrorBox error={failure} title="The request failed" />
      {users && (
        <section aria-labelledby="users-title">
          <h2 id="users-title">Users and permissions</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Administrator</th>
                <th scope="col">Permissions</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.name}>
                  <th scope="row">{u.name}</th>
                  <td>{u.is_admin ? 'yes' : 'no'}</td>
                  <td>{u.permissions.join(', ') || 'none'}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => void remove(u.name)} aria-label={`Delete user ${u.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <NewUserForm onCreated={refresh} />
        </section>
      )}
      {users && users.length > 0 && <TokensSection users={users.map((u) => u.name)} />}
      <ConfusionSection />
      <ResetSection />
    </>
  );
}
