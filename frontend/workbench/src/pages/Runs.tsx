/** Every training run, newest first, filtered by status and output artifact, paged from the API. */
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { api, artifactPath, formatTime, unwrap } from "../api";
import { ErrorBox, Loading } from "../components";
import { useLoad } from "../hooks";
import { RUN_STATUSES, describeSource, refPath, runPath, type Run, type RunStatus } from "../runs";

const PAGE = 50;

export default function Runs() {
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") ?? "") as RunStatus | "";
  const output = params.get("output") ?? "";
  const [outputText, setOutputText] = useState(output);
  const [runs, setRuns] = useState<Run[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();

  const query = (after?: string) => ({
    limit: PAGE,
    status: status || undefined,
    output: output || undefined,
    after,
  });
  const first = useLoad(async () => {
    const page = unwrap(await api.GET("/api/v1/runs", { params: { query: query() } }));
    setRuns(page.items);
    setNext(page.next);
    setMoreError(undefined);
    return page;
  }, [status, output]);

  const loadMore = async () => {
    try {
      const page = unwrap(await api.GET("/api/v1/runs", { params: { query: query(next ?? undefined) } }));
      setRuns((loaded) => loaded.concat(page.items));
      setNext(page.next);
    } catch (problem) {
      setMoreError(problem);
    }
  };

  const setFilter = (key: string, value: string) => {
    const nextParams = new URLSearchParams(params);
    if (value) nextParams.set(key, value);
    else nextParams.delete(key);
    setParams(nextParams, { replace: true });
  };
  const submitOutput = (event: FormEvent) => {
    event.preventDefault();
    setFilter("output", outputText.trim());
  };

  return (
    <div className="page">
      <h1>Runs</h1>
      <form className="filters" aria-label="Filter runs" onSubmit={submitOutput}>
        <label>
          Status
          <select value={status} onChange={(e) => setFilter("status", e.target.value)}>
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Output artifact
          <input
            value={outputText}
            onChange={(e) => setOutputText(e.target.value)}
            placeholder="any"
            maxLength={128}
          />
        </label>
        <button type="submit" className="secondary filter-apply">
          Apply
        </button>
      </form>
      <ErrorBox error={first.error} />
      {first.loading && !runs.length ? <Loading /> : null}
      {!first.loading && !first.error && !runs.length ? <p className="muted">No runs match.</p> : null}
      {runs.length ? <RunTable runs={runs} /> : null}
      {next ? (
        <button type="button" className="secondary" onClick={loadMore}>
          Load older runs
        </button>
      ) : null}
      <ErrorBox error={moreError} />
    </div>
  );
}

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge run-${status}`}>{status}</span>;
}

function RunTable({ runs }: { runs: Run[] }) {
  return (
    <div className="scroll-x table">
      <table aria-label="Runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Recipe or code</th>
            <th scope="col">Inputs</th>
            <th scope="col">Output</th>
            <th scope="col">Creator</th>
            <th scope="col">Created</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link to={runPath(run.id)} title={run.id}>
                  {run.name} <span className="run-id">{run.id.slice(0, 8)}</span>
                </Link>
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{describeSource(run)}</td>
              <td>
                {run.inputs.map((input) => (
                  <div key={input.ref}>
                    <RefLink refText={input.ref} /> <span className="muted">({input.role})</span>
                  </div>
                ))}
              </td>
              <td>
                {run.output_version ? (
                  <RefLink refText={run.output_version} />
                ) : run.output ? (
                  <Link to={artifactPath(run.output)}>{run.output}</Link>
                ) : null}
              </td>
              <td>{run.creator}</td>
              <td>{formatTime(run.created_at)}</td>
              <td>{formatTime(run.finished_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A `NAME:vN` ref linked to its version page (plain text when it is no such ref). */
export function RefLink({ refText }: { refText: string }) {
  const path = refPath(refText);
  return path ? <Link to={path}>{refText}</Link> : <span>{refText}</span>;
}
