/** API tokens (admins): list, create (the secret is shown once), revoke. */
import { useState, type FormEvent } from "react";

import type { Role, TokenCreated } from "@kamld/client";

import { api, formatTime, unwrap } from "../api";
import { CopyButton, ErrorBox, Loading } from "../components";
import { useLoad } from "../hooks";

export default function Tokens() {
  const tokens = useLoad(async () => unwrap(await api.GET("/api/v1/tokens")), []);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const [error, setError] = useState<unknown>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setCreated(unwrap(await api.POST("/api/v1/tokens", { body: { name: name.trim(), role } })));
      setName("");
      tokens.reload();
    } catch (problem) {
      setError(problem);
    }
  };

  const revoke = async (token: string) => {
    if (!window.confirm(`Revoke ${token}? Requests carrying it are refused from now on.`)) return;
    setError(undefined);
    try {
      const result = await api.DELETE("/api/v1/tokens/{name}", { params: { path: { name: token } } });
      if (!result.response.ok) unwrap(result);
      tokens.reload();
    } catch (problem) {
      setError(problem);
    }
  };

  return (
    <div className="page">
      <h1>API tokens</h1>
      <form onSubmit={create} className="row wrap card" aria-label="Create a token">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,127}" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option>viewer</option>
            <option>editor</option>
            <option>admin</option>
          </select>
        </label>
        <button type="submit">Create token</button>
      </form>
      {created ? (
        <div className="card ok" role="status">
          Token <strong>{created.name}</strong> ({created.role}) created. Copy its secret now; it is not shown again:{" "}
          <code className="digest">{created.token}</code> <CopyButton label="Copy secret" text={created.token} />
        </div>
      ) : null}
      <ErrorBox error={error ?? tokens.error} />
      {tokens.data ? (
        <div className="scroll-x">
          <table aria-label="Tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.name}>
                  <td>{token.name}</td>
                  <td>{token.role}</td>
                  <td>
                    <code>{token.hint}…</code>
                  </td>
                  <td>
                    {formatTime(token.created_at)}
                    {token.created_by ? ` by ${token.created_by}` : ""}
                  </td>
                  <td>{formatTime(token.last_used_at) || "never"}</td>
                  <td>
                    <button type="button" className="danger" onClick={() => revoke(token.name)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        !tokens.error && <Loading />
      )}
    </div>
  );
}
