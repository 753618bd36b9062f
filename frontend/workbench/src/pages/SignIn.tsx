import { useState, type FormEvent } from "react";

import { useSession } from "../session";
import { ErrorBox } from "../components";

/** Sign in with an API token: the gateway answers with an HttpOnly session cookie (no token is kept here). */
export default function SignIn() {
  const { signIn } = useSession();
  const [token, setToken] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token.trim());
      setToken("");
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <h1>KAML-D Workbench</h1>
      <form onSubmit={submit} className="card" aria-label="Sign in">
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
    </main>
  );
}
