/** One artifact: description and labels, the versions log, aliases with their move history, compare. */
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import type { Alias, AliasEvent, Artifact as ArtifactView, Version } from "@kamld/client";

import { ProblemError, api, artifactPath, errorText, formatBytes, formatTime, unwrap, versionPath } from "../api";
import { ErrorBox, Labels, Loading, Section } from "../components";
import { describeRule } from "../data/format";
import { useLoad } from "../hooks";
import { useSession } from "../session";

export default function Artifact() {
  const name = useParams().name!;
  const artifact = useLoad(
    async () => unwrap(await api.GET("/api/v1/artifacts/{name}", { params: { path: { name } } })),
    [name],
  );
  const aliases = useLoad(
    async () => unwrap(await api.GET("/api/v1/artifacts/{name}/aliases", { params: { path: { name } } })),
    [name],
  );
  const [versions, setVersions] = useState<Version[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const log = useLoad(async () => {
    const page = unwrap(
      await api.GET("/api/v1/artifacts/{name}/versions", { params: { path: { name }, query: { limit: 50 } } }),
    );
    setVersions(page.items);
    setNext(page.next);
    return page;
  }, [name]);
  const [moreError, setMoreError] = useState<unknown>();

  const loadMore = async () => {
    try {
      const page = unwrap(
        await api.GET("/api/v1/artifacts/{name}/versions", {
          params: { path: { name }, query: { limit: 50, after: next ?? undefined } },
        }),
      );
      setVersions((loaded) => loaded.concat(page.items));
      setNext(page.next);
    } catch (problem) {
      setMoreError(problem);
    }
  };

  if (artifact.error) return <ErrorBox error={artifact.error} />;
  if (!artifact.data) return <Loading />;
  const onChange = () => {
    artifact.reload();
    aliases.reload();
  };

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/">Catalog</Link> / <span aria-current="page">{name}</span>
      </nav>
      <h1>
        {name} <span className="badge">{artifact.data.kind}</span>
      </h1>
      <div className="row wrap">
        <Link className="button secondary" to={`/activity?artifact=${encodeURIComponent(name)}`}>
          Activity of {name}
        </Link>
        {artifact.data.kind === "model" ? (
          <Link className="button secondary" to={`/runs?output=${encodeURIComponent(name)}`}>
            Runs producing {name}
          </Link>
        ) : null}
      </div>
      <About artifact={artifact.data} onSaved={artifact.reload} />
      <div className="columns">
        <Section title="Versions">
          <ErrorBox error={log.error} />
          {log.loading && !versions.length ? <Loading /> : <VersionsLog name={name} versions={versions} />}
          {next ? (
            <button type="button" className="secondary" onClick={loadMore}>
              Load older versions
            </button>
          ) : null}
          <ErrorBox error={moreError} />
        </Section>
        <div>
          <Section title="Aliases">
            <ErrorBox error={aliases.error} />
            {aliases.data ? (
              <AliasList name={name} aliases={aliases.data} versions={versions} onMoved={onChange} />
            ) : (
              <Loading />
            )}
          </Section>
          <Compare name={name} versions={versions} />
        </div>
      </div>
    </div>
  );
}

function About({ artifact, onSaved }: { artifact: ArtifactView; onSaved: () => void }) {
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState(artifact.description);
  const [labels, setLabels] = useState("");
  const [error, setError] = useState<unknown>();
  const current = artifact.labels as Record<string, string>;

  const start = () => {
    setDescription(artifact.description);
    setLabels(Object.entries(current).map(([k, v]) => (v ? `${k}=${v}` : k)).join("\n"));
    setEditing(true);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const wanted: Record<string, string | null> = {};
    for (const line of labels.split("\n").map((l) => l.trim()).filter(Boolean)) {
      const [key, ...value] = line.split("=");
      wanted[key!.trim()] = value.join("=").trim();
    }
    for (const key of Object.keys(current)) if (!(key in wanted)) wanted[key] = null;
    try {
      unwrap(
        await api.PATCH("/api/v1/artifacts/{name}", {
          params: { path: { name: artifact.name } },
          body: { description, labels: wanted },
        }),
      );
      setEditing(false);
      setError(undefined);
      onSaved();
    } catch (problem) {
      setError(problem);
    }
  };

  return (
    <Section
      title="About"
      actions={
        can("editor") && !editing ? (
          <button type="button" className="secondary" onClick={start}>
            Edit description and labels
          </button>
        ) : null
      }
    >
      {editing ? (
        <form onSubmit={save} className="stack">
          <label>
            Description
            <textarea value={description} rows={3} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <label>
            Labels (one <code>key=value</code> a line)
            <textarea value={labels} rows={3} onChange={(e) => setLabels(e.target.value)} />
          </label>
          <div className="row">
            <button type="submit">Save</button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
          <ErrorBox error={error} />
        </form>
      ) : (
        <>
          <p>{artifact.description || <span className="muted">No description.</span>}</p>
          <Labels labels={current} />
          <p className="muted">
            {artifact.version_count} version{artifact.version_count === 1 ? "" : "s"} · created by {artifact.created_by}{" "}
            {formatTime(artifact.created_at)} · changed {formatTime(artifact.updated_at)}
          </p>
        </>
      )}
    </Section>
  );
}

function VersionsLog({ name, versions }: { name: string; versions: Version[] }) {
  if (!versions.length) return <p className="muted">No versions yet.</p>;
  return (
    <div className="scroll-x">
      <table>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Message</th>
            <th scope="col">Author</th>
            <th scope="col">Time</th>
            <th scope="col" className="num">
              Files
            </th>
            <th scope="col" className="num">
              Bytes
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr key={version.number}>
              <td>
                <Link to={versionPath(name, version.name)}>{version.name}</Link>{" "}
                {version.aliases.map((alias) => (
                  <span key={alias} className="label">
                    {alias}
                  </span>
                ))}
              </td>
              <td>{version.message}</td>
              <td>{version.author}</td>
              <td>{formatTime(version.created_at)}</td>
              <td className="num">{version.file_count}</td>
              <td className="num">{formatBytes(version.total_bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AliasList({
  name,
  aliases,
  versions,
  onMoved,
}: {
  name: string;
  aliases: Alias[];
  versions: Version[];
  onMoved: () => void;
}) {
  const { can } = useSession();
  return (
    <>
      {aliases.length === 0 ? <p className="muted">No aliases.</p> : null}
      <ul className="plain">
        {aliases.map((alias) => (
          <li key={alias.alias} className="alias">
            <div className="row">
              <strong>{alias.alias}</strong> →{" "}
              <Link to={versionPath(name, alias.version.name)}>{alias.version.name}</Link>
              <span className="muted">
                {" "}
                by {alias.updated_by}, {formatTime(alias.updated_at)}
              </span>
            </div>
            {alias.alias === "latest" ? null : <AliasPolicy name={name} alias={alias.alias} />}
            <AliasHistory name={name} alias={alias.alias} stamp={alias.updated_at} />
          </li>
        ))}
      </ul>
      {can("editor") ? <MoveAlias name={name} aliases={aliases} versions={versions} onMoved={onMoved} /> : null}
    </>
  );
}

function AliasHistory({ name, alias, stamp }: { name: string; alias: string; stamp: string }) {
  const history = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/artifacts/{name}/aliases/{alias}/history", {
          params: { path: { name, alias }, query: { limit: 100 } },
        }),
      ).items,
    [name, alias, stamp],
  );
  if (history.error) return <ErrorBox error={history.error} />;
  if (!history.data) return null;
  return (
    <details>
      <summary>History of {alias} ({history.data.length})</summary>
      <ol className="timeline" aria-label={`History of ${alias}`}>
        {history.data.map((event: AliasEvent) => (
          <li key={event.id}>
            <time dateTime={event.at}>{formatTime(event.at)}</time> {event.actor} {describeEvent(event)}
            {event.override_reason ? (
              <div className="override">
                overrode the promotion policy: “{event.override_reason}”
                {event.overridden?.length ? (
                  <ul className="reasons" aria-label="Refusals set aside">
                    {event.overridden.map((reason, i) => (
                      <li key={i}>{reason.message}</li>
                    ))}
                  </ul>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** The alias's promotion policy, when it has one (404 `policy_not_found` means none). */
function AliasPolicy({ name, alias }: { name: string; alias: string }) {
  const policy = useLoad(async () => {
    const result = await api.GET("/api/v1/artifacts/{name}/aliases/{alias}/policy", {
      params: { path: { name, alias } },
    });
    if (result.response.status === 404) return null;
    return unwrap(result);
  }, [name, alias]);
  if (policy.error) return <ErrorBox error={policy.error} />;
  if (!policy.data) return null;
  return (
    <div className="policy">
      <span className="muted">
        Promotion policy (set by {policy.data.updated_by}, {formatTime(policy.data.updated_at)}): a version must pass
      </span>
      <ul className="reasons" aria-label={`Promotion policy of ${alias}`}>
        {policy.data.rules.map((rule, i) => (
          <li key={i}>{describeRule(rule as unknown as Record<string, unknown>)}</li>
        ))}
      </ul>
    </div>
  );
}

function describeEvent(event: AliasEvent): string {
  const from = event.from_version ? `v${event.from_version}` : null;
  const to = event.to_version ? `v${event.to_version}` : null;
  if (event.action === "delete") return `deleted it (was ${from})`;
  if (event.action === "set" || !from) return `set it to ${to}`;
  return `moved it from ${from} to ${to}`;
}

function MoveAlias({
  name,
  aliases,
  versions,
  onMoved,
}: {
  name: string;
  aliases: Alias[];
  versions: Version[];
  onMoved: () => void;
}) {
  const { can } = useSession();
  const movable = aliases.filter((a) => a.alias !== "latest");
  const [alias, setAlias] = useState(movable[0]?.alias ?? "");
  const [target, setTarget] = useState(versions[0]?.name ?? "");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState("");
  // A move refused by the alias's promotion policy: its problem, and an admin's reason to override.
  const [refused, setRefused] = useState<ProblemError | null>(null);
  const [reason, setReason] = useState("");
  const current = aliases.find((a) => a.alias === alias);

  const move = async (event: FormEvent, override?: string) => {
    event.preventDefault();
    setError(undefined);
    setDone("");
    const expected = current?.version.name;
    try {
      const moved = unwrap(
        await api.PUT("/api/v1/artifacts/{name}/aliases/{alias}", {
          params: { path: { name, alias } },
          body: {
            version: target || versions[0]!.name,
            expected_version: expected ?? null,
            ...(override ? { override_reason: override } : {}),
          },
        }),
      );
      setRefused(null);
      setReason("");
      setDone(
        `${alias} now points at ${moved.version.name}${override ? " (the promotion policy was overridden)" : ""}`,
      );
      onMoved();
    } catch (problem) {
      if (problem instanceof ProblemError && problem.code === "promotion_refused") {
        setRefused(problem);
        return;
      }
      setRefused(null);
      if (problem instanceof ProblemError && problem.code === "alias_mismatch") {
        const now = (problem.problem as { current?: string }).current;
        setError(
          new Error(
            `Not moved: someone else moved ${alias} while you were looking. It points at ${now ?? "nothing"} now, not ${expected}. ` +
              `The list above is refreshed; check it and move again if you still want to.`,
          ),
        );
        onMoved();
      } else setError(problem);
    }
  };

  return (
    <form onSubmit={move} className="stack move-alias" aria-label="Move an alias">
      <h3>Move an alias</h3>
      <div className="row wrap">
        <label>
          Alias
          <input
            list="alias-names"
            value={alias}
            onChange={(e) => setAlias(e.target.value.trim())}
            required
            pattern="[a-z][a-z0-9._\-]{0,62}"
          />
          <datalist id="alias-names">
            {movable.map((a) => (
              <option key={a.alias} value={a.alias} />
            ))}
          </datalist>
        </label>
        <label>
          To version
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            {versions.map((v) => (
              <option key={v.number} value={v.name}>
                {v.name} — {v.message.slice(0, 40)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!alias || !versions.length}>
          Move {alias || "alias"}
        </button>
      </div>
      <p className="muted">
        {current
          ? `Compare-and-set: only if ${alias} still points at ${current.version.name}.`
          : alias
            ? `Creates ${alias}.`
            : ""}
      </p>
      {done ? (
        <p role="status" className="ok">
          {done}
        </p>
      ) : null}
      {error ? (
        <div className="error" role="alert">
          {errorText(error)}
        </div>
      ) : null}
      {refused ? (
        <Refusal
          problem={refused}
          admin={can("admin")}
          reason={reason}
          onReason={setReason}
          onOverride={(event) => void move(event, reason.trim())}
        />
      ) : null}
    </form>
  );
}

interface GateReason {
  rule: string;
  message: string;
}

/** A move the promotion policy refused: every reason it gave, and for admins an override. */
function Refusal({
  problem,
  admin,
  reason,
  onReason,
  onOverride,
}: {
  problem: ProblemError;
  admin: boolean;
  reason: string;
  onReason: (reason: string) => void;
  onOverride: (event: FormEvent) => void;
}) {
  const reasons = ((problem.problem as { reasons?: GateReason[] }).reasons ?? []) as GateReason[];
  const { candidate } = problem.problem as { candidate?: string };
  return (
    <>
      <div className="error" role="alert" data-testid="promotion-refused">
        <strong>Refused by the promotion policy{candidate ? ` (candidate ${candidate})` : ""}:</strong>
        {reasons.length ? (
          <ul className="reasons" aria-label="Reasons">
            {reasons.map((r, i) => (
              <li key={i}>
                {r.message} <span className="muted">({r.rule})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>{errorText(problem)}</p>
        )}
      </div>
      {admin ? (
        <div className="stack">
          <label>
            Override with reason (kept in the alias history)
            <textarea value={reason} rows={2} maxLength={1000} onChange={(e) => onReason(e.target.value)} />
          </label>
          <button type="button" className="danger" disabled={!reason.trim()} onClick={onOverride}>
            Override and move
          </button>
        </div>
      ) : null}
    </>
  );
}

function Compare({ name, versions }: { name: string; versions: Version[] }) {
  const navigate = useNavigate();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  if (versions.length < 2) return null;
  const older = from || versions[1]!.name;
  const newer = to || versions[0]!.name;
  return (
    <Section title="Compare versions">
      <form
        className="row wrap"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`${artifactPath(name)}/diff?from=${encodeURIComponent(older)}&to=${encodeURIComponent(newer)}`);
        }}
      >
        <label>
          From
          <select value={older} onChange={(e) => setFrom(e.target.value)}>
            {versions.map((v) => (
              <option key={v.number}>{v.name}</option>
            ))}
          </select>
        </label>
        <label>
          To
          <select value={newer} onChange={(e) => setTo(e.target.value)}>
            {versions.map((v) => (
              <option key={v.number}>{v.name}</option>
            ))}
          </select>
        </label>
        <button type="submit">Compare</button>
      </form>
    </Section>
  );
}
