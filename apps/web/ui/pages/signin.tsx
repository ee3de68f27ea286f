import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { signIn } from '../api/session';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { navigate } from '../router';

export default function SignInPage() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; password?: string }>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      name: name.trim() === '' ? 'Enter your user name.' : undefined,
      password: password === '' ? 'Enter your password.' : undefined,
    };
    setErrors(found);
    setFailure(undefined);
    if (found.name || found.password) {
      document.getElementById(found.name ? 'signin-name' : 'signin-password')?.focus();
      return;
    }
    setBusy(true);
    try {
      await signIn(name.trim(), password, isAdmin);
      navigate('/browse', true);
    } catch (error) {
      // The gateway answers 401 for a wrong name or password without saying which (no account probing).
      if (error instanceof ApiError && error.status === 401) setErrors({ password: 'The user name or password is not correct.' });
      else setFailure(error);
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <h1>Sign in to ModelGuard</h1>
      <p>Your session lasts until you sign out, reload the page, or the token runs out of uses.</p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Sign in">
        <Field id="signin-name" label="User name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} required />
        <Field
          id="signin-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          required
        />
        <div className="check">
          <input id="signin-admin" type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />
          <label htmlFor="signin-admin">Sign in as an administrator</label>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ErrorBox error={failure} title="Could not sign in" />
    </section>
  );
}
