import { ChatHttpClient } from '@chat-server/client';
import { useState } from 'preact/hooks';
import { storeTokens } from './session';
import { describeError } from './store';

/** Sign in or create an account (DESIGN.md 6c: "Username", "Password", "Sign in", "Create account"). */
export function SignIn({ baseUrl, onSignedIn }: { baseUrl: string; onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const go = async (kind: 'login' | 'register') => {
    setError(undefined);
    if (!username.trim() || !password) return setError('Enter a username and a password.');
    setBusy(true);
    try {
      const http = new ChatHttpClient(baseUrl);
      const body = { username: username.trim().toLowerCase(), password };
      const s =
        kind === 'login'
          ? await http.login(body)
          : await http.register({ ...body, displayName: username.trim() });
      storeTokens({ accessToken: s.accessToken, refreshToken: s.refreshToken });
      onSignedIn();
    } catch (e) {
      const msg = describeError(e);
      setError(kind === 'register' && msg.startsWith('Wrong') ? 'That account could not be created.' : msg);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Chat</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void go('login');
        }}
      >
        <label>
          Username
          <input
            name="username"
            autocomplete="username"
            autocapitalize="none"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <p class="hint">Usernames: 3 to 32 of a–z, 0–9, _ . -; passwords at least 8 characters.</p>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="row">
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void go('register')}>
            Create account
          </button>
        </div>
      </form>
    </main>
  );
}
