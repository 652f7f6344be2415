// Sign in with a tenant admin API key. The key is checked against GET /api/settings before it is kept
// (in sessionStorage, for this browser session only).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, session } from '../lib/api';
import { Button, Field, Notice } from '../components/ui';

export function SignIn({ expired }: { expired: boolean }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · Bookflow';
    input.current?.focus();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const k = key.trim();
    if (!k) {
      setError('Enter the API key.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.get('/settings', { key: k });
      session.signIn(k);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 401) setError('That key was not accepted. Check that you copied all of it.');
      else if (err instanceof ApiError && err.status === 403) setError('That key has no admin rights. Use a tenant admin key (an "app" key or the platform key cannot open the admin).');
      else setError(err instanceof Error ? `Bookflow could not be reached: ${err.message}` : 'Bookflow could not be reached.');
      input.current?.focus();
    }
  }

  return (
    <main className="signin">
      <div className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">B</span>
          <span className="signin-name">Bookflow</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">Use your workspace's admin API key. It is kept for this browser session only.</p>
        {expired ? <Notice tone="warning">Your session ended. Sign in again to continue.</Notice> : null}
        <form onSubmit={submit} noValidate>
          <Field label="Admin API key" errors={error ? [error] : undefined}
            hint={<>On a fresh install, <code>npm start</code> prints it as the “demo tenant key”.</>}>
            {(p) => (
              <input {...p} ref={input} className="input mono" type="password" autoComplete="off" spellCheck={false}
                value={key} onChange={(e) => setKey(e.target.value)} placeholder="bfk_…" />
            )}
          </Field>
          <Button type="submit" variant="primary" busy={busy} className="btn-block">Sign in</Button>
        </form>
      </div>
    </main>
  );
}
