/** SQL over versions (`POST /api/v1/query`): one read-only SELECT, its rows a page at a time. */
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";

import type { Schemas } from "@kamld/client";

import { api, unwrap, versionPath } from "../api";
import { ErrorBox, Loading } from "../components";
import { formatCell } from "../data/format";

type Answer = Schemas["QueryAnswer"];
const PAGE = 100;
const EXAMPLE = "SELECT * FROM 'NAME:v1/PATH.csv' LIMIT 100";

export default function Query() {
  const [params, setParams] = useSearchParams();
  const initial = params.get("sql") ?? "";
  const [sql, setSql] = useState(initial);
  const [answer, setAnswer] = useState<Answer>();
  // The SQL the shown answer ran, and the cursors of its pages (page 1 has none).
  const [ran, setRan] = useState("");
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [error, setError] = useState<unknown>();
  const [running, setRunning] = useState(false);

  const run = async (text: string, after: string | undefined, pages: (string | undefined)[]) => {
    if (!text.trim()) return;
    setRunning(true);
    setError(undefined);
    try {
      const page = unwrap(
        await api.POST("/api/v1/query", { body: { sql: text, format: "json", limit: PAGE, after: after ?? null } }),
      );
      setAnswer(page);
      setRan(text);
      setCursors(pages);
    } catch (problem) {
      setError(problem);
      setAnswer(undefined);
    } finally {
      setRunning(false);
    }
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    setParams(sql ? { sql } : {}, { replace: true });
    void run(sql, undefined, [undefined]);
  };

  return (
    <div className="page">
      <h1>Query</h1>
      <p className="muted">
        One read-only <code>SELECT</code> over versions' tables (CSV, TSV, Parquet, JSON Lines), each written as a
        quoted reference: <code>'NAME:vN/PATH'</code>, where the path may be a glob.
      </p>
      <form onSubmit={submit} className="stack" aria-label="SQL query">
        <label htmlFor="query-sql">SQL</label>
        <textarea
          id="query-sql"
          className="sql"
          value={sql}
          rows={6}
          spellCheck={false}
          placeholder={EXAMPLE}
          aria-describedby="query-keys"
          onChange={(e) => setSql(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <div className="row wrap">
          <button type="submit" disabled={running || !sql.trim()}>
            Run
          </button>
          <span id="query-keys" className="muted">
            Ctrl+Enter runs the query.
          </span>
        </div>
      </form>
      {running ? <Loading what="Running" /> : null}
      <ErrorBox error={error} />
      {answer ? (
        <Result
          answer={answer}
          page={cursors.length}
          onPrevious={cursors.length > 1 ? () => void run(ran, cursors[cursors.length - 2], cursors.slice(0, -1)) : undefined}
          onNext={answer.next ? () => void run(ran, answer.next ?? undefined, [...cursors, answer.next ?? undefined]) : undefined}
          busy={running}
        />
      ) : null}
    </div>
  );
}

function Result({
  answer,
  page,
  onPrevious,
  onNext,
  busy,
}: {
  answer: Answer;
  page: number;
  onPrevious?: () => void;
  onNext?: () => void;
  busy: boolean;
}) {
  const first = (page - 1) * PAGE + 1;
  return (
    <section className="card" aria-label="Query result">
      <div className="card-head">
        <h2>Result</h2>
        <span className="muted" role="status" data-testid="query-count">
          {answer.items.length
            ? `Rows ${first.toLocaleString()}–${(first + answer.items.length - 1).toLocaleString()}${answer.next ? ", more follow" : ""}`
            : "No rows"}
        </span>
      </div>
      {answer.versions.length ? (
        <div className="muted" data-testid="query-versions">
          Read:{" "}
          {answer.versions.map((v, i) => {
            const [artifact, number] = v.version.split(":");
            return (
              <span key={v.reference}>
                {i ? "; " : ""}
                <code>{v.reference}</code> as{" "}
                {artifact && number ? <Link to={versionPath(artifact, number)}>{v.version}</Link> : v.version} (
                {v.format}, {v.file_count} file{v.file_count === 1 ? "" : "s"})
              </span>
            );
          })}
        </div>
      ) : null}
      <div className="scroll-x result-table">
        <table className="rows" aria-label="Query rows">
          <thead>
            <tr>
              {answer.columns.map((column) => (
                <th key={column.name} scope="col" title={column.type}>
                  {column.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {answer.items.map((row, i) => (
              <tr key={i}>
                {answer.columns.map((column) => (
                  <td key={column.name}>{formatCell(row[column.name])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {onPrevious || onNext ? (
        <div className="row">
          <button type="button" className="secondary" disabled={!onPrevious || busy} onClick={onPrevious}>
            Previous page
          </button>
          <button type="button" className="secondary" disabled={!onNext || busy} onClick={onNext}>
            Next page
          </button>
        </div>
      ) : null}
    </section>
  );
}
