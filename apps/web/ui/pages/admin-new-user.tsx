import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';

const PERMISSIONS = ['upload', 'search', 'download'] as const;

export function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [perms, setPerms] = useState<string[]>(['search', 'download']);
  const [errors, setErrors] = useState<{ name?: string; password?: string }>({});
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(undefined);
    setFailure(undefined);
    const found = {
      name: name.trim() === '' ? 'Enter a user name.' : name.length > 128 || name.includes('/') ? 'At most 128 characters, without “/”.' : undefined,
      password: password.length < 8 ? 'The password needs at least 8 characters.' : undefined,
    };
    setErrors(found);
    if (found.name || found.password) return;
    try {
      await api('POST', '/users', { user: { name: name.trim(), is_admin: isAdmin }, secret: { password }, permissions: perms });
      setDone(`User ${name.trim()} created.`);
      setName('');
      setPassword('');
      onCreated();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setErrors({ name: e.message });
      else if (e instanceof ApiError && e.status === 400) setErrors({ name: e.message });
      else setFailure(e);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Add a user">
      <h3>Add a user</h3>
      <Field id="new-user-name" label="User name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
      <Field id="new-user-password" label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
      <fieldset>
        <legend>Permissions</legend>
        {PERMISSIONS.map((p) => (
          <span className="check" key={p}>
            <input type="checkbox" id={`perm-${p}`} checked={perms.includes(p)} onChange={() => setPerms((now) => (now.includes(p) ? now.filter((x) => x !== p) : [...now, p]))} />
            <label htmlFor={`perm-${p}`}>{p}</label>
          </span>
        ))}
        <span className="check">
          <input type="checkbox" id="perm-admin" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />
          <label htmlFor="perm-admin">administrator</label>
        </span>
      </fieldset>
      <button type="submit">Add user</button>
      {done && <p role="status">{done}</p>}
      <ErrorBox error={failure} title="Could not add the user" />
    </form>
  );
}
