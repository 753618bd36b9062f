import { useEffect, useState, type FormEvent } from "react";

import { api } from "../api";
import { useSession, type Credentials } from "../session";
import { ErrorBox } from "../components";

/** Sign in with a directory account (when the platform has one) or an API token: the gateway answers
 * with an HttpOnly session cookie, and nothing secret is kept by this page. */
export default function SignIn() {
  const [directory, setDirectory] = useState(false);

  useEffect(() => {
    let live = true;
    void api.GET("/api/v1/session/methods").then(({ data }) => {
      if (live && data) setDirectory(data.directory);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <main id="main" className="signin">
      <h1>KAML-D Workbench</h1>
      {directory ? <DirectoryForm /> : null}
      <TokenForm />
    </main>
  );
}

function useSignIn() {
  const { signIn } = useSession();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent, credentials: Credentials, done: () => void) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(credentials);
      done();
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function DirectoryForm() {
  const { error, busy, submit } = useSignIn();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  return (
    <form
      onSubmit={(event) => submit(event, { username: username.trim(), password }, () => setPassword(""))}
      className="card"
      aria-label="Sign in with your account"
    >
      <label htmlFor="username">User name</label>
      <input
        id="username"
        autoComplete="username"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
        required
      />
      <label htmlFor="password">Password</label>
      <input
        id="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        required
      />
      <button type="submit" disabled={busy || !username.trim() || !password}>
        Sign in with your account
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

function TokenForm() {
  const { error, busy, submit } = useSignIn();
  const [token, setToken] = useState("");
  return (
    <form
      onSubmit={(event) => submit(event, { token: token.trim() }, () => setToken(""))}
      className="card"
      aria-label="Sign in"
    >
      <label htmlFor="token">API token</label>
      <input
        id="token"
        type="password"
        autoComplete="off"
        value={token}
        onChange={(event) => setToken(event.target.value)}
        required
      />
      <p className="muted">
        Ask an admin for a token (<code>kamld token create</code>). It is exchanged for a browser session and never
        stored by this page.
      </p>
      <button type="submit" disabled={busy || !token.trim()}>
        Sign in
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
