/** One run: its spec, status (and why it failed), its output version, its log (followed while the run
 * is live), one chart per metric, and Cancel or Retry for editors. */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import { ProblemError, api, artifactPath, errorText, formatBytes, formatTime, unwrap } from "../api";
import { toProblem } from "@kamld/client";
import { ErrorBox, Loading, Section } from "../components";
import { useLoad } from "../hooks";
import {
  canCancel,
  canRetry,
  describeSource,
  formatDuration,
  formatMetric,
  isActive,
  runPath,
  toChartSeries,
  type Run as RunView,
} from "../runs";
import { useSession } from "../session";
import { RefLink, StatusBadge } from "./Runs";

const MetricCharts = lazy(() => import("./MetricCharts"));
const POLL_MS = 2000;

export default function Run() {
  const id = useParams().id!;
  const run = useLoad(
    async () => unwrap(await api.GET("/api/v1/runs/{run_id}", { params: { path: { run_id: id } } })),
    [id],
  );
  const metrics = useLoad(
    async () => unwrap(await api.GET("/api/v1/runs/{run_id}/metrics", { params: { path: { run_id: id } } })),
    [id],
  );
  const active = run.data ? isActive(run.data.status) : false;
  const { reload: reloadRun } = run;
  const { reload: reloadMetrics } = metrics;

  // While the run may change, its status and metrics are read again every few seconds.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      reloadRun();
      reloadMetrics();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, reloadRun, reloadMetrics]);

  // One last read of the metrics once it has ended.
  const wasActive = useRef(false);
  useEffect(() => {
    if (wasActive.current && !active) reloadMetrics();
    wasActive.current = active;
  }, [active, reloadMetrics]);

  if (run.error && !run.data) return <ErrorBox error={run.error} />;
  if (!run.data) return <Loading />;
  const r = run.data;

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/runs">Runs</Link> / <span aria-current="page">{r.name || r.id}</span>
      </nav>
      <h1>
        Run {r.name || r.id} <StatusBadge status={r.status} />
      </h1>
      <ErrorBox error={run.error} />
      <RunActions run={r} onChanged={reloadRun} />
      <Outcome run={r} />
      <div className="columns">
        <Section title="Spec">
          <Spec run={r} />
        </Section>
        <Section title="Metrics">
          <ErrorBox error={metrics.error} />
          {metrics.data ? <Metrics series={metrics.data.series} /> : <Loading what="Loading metrics" />}
        </Section>
      </div>
      <Section title="Log">
        <RunLog id={r.id} status={r.status} onEnded={reloadRun} />
      </Section>
    </div>
  );
}

function Outcome({ run }: { run: RunView }) {
  if (run.status === "succeeded") {
    return (
      <p className="ok" role="status">
        Succeeded{run.output_version ? " and registered " : ""}
        {run.output_version ? <RefLink refText={run.output_version} /> : null}
        {run.finished_at ? ` ${formatTime(run.finished_at)}` : ""}.
      </p>
    );
  }
  if ((run.status === "failed" || run.status === "cancelled") && run.error) {
    return (
      <section className="card failure" aria-label="Why it ended">
        <h2>{run.status === "failed" ? "Failed" : "Cancelled"}</h2>
        {run.exit_code !== null && run.exit_code !== undefined ? (
          <p className="muted">exit code {run.exit_code}</p>
        ) : null}
        <pre className="log error-text" tabIndex={0}>
          {run.error}
        </pre>
      </section>
    );
  }
  if (run.status === "cancelled") return <p role="status">Cancelled.</p>;
  return null;
}

function RunActions({ run, onChanged }: { run: RunView; onChanged: () => void }) {
  const { can } = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  if (!can("editor")) return null;
  const cancel = canCancel(run.status);
  const retry = canRetry(run.status);
  if (!cancel && !retry && !error) return null;

  const act = async (what: "cancel" | "retry") => {
    setBusy(true);
    setError(undefined);
    try {
      if (what === "cancel") {
        unwrap(await api.POST("/api/v1/runs/{run_id}/cancel", { params: { path: { run_id: run.id } } }));
        onChanged();
      } else {
        const created = unwrap(
          await api.POST("/api/v1/runs/{run_id}/retry", { params: { path: { run_id: run.id } } }),
        );
        navigate(runPath(created.id));
      }
    } catch (problem) {
      setError(problem);
      onChanged();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <div className="row wrap">
        {cancel ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void act("cancel")}>
            Cancel run
          </button>
        ) : null}
        {retry ? (
          <button type="button" disabled={busy} onClick={() => void act("retry")}>
            Retry run
          </button>
        ) : null}
      </div>
      <ErrorBox error={error} />
    </div>
  );
}

function Spec({ run }: { run: RunView }) {
  const params = Object.entries(run.params);
  const logged = Object.entries(run.logged_params);
  const resources = run.resources;
  return (
    <dl className="meta">
      <dt>Id</dt>
      <dd>
        <code>{run.id}</code>
      </dd>
      {run.recipe ? (
        <>
          <dt>Recipe</dt>
          <dd>{run.recipe}</dd>
        </>
      ) : null}
      {run.code ? (
        <>
          <dt>Code</dt>
          <dd>
            <RefLink refText={run.code.ref} />
          </dd>
          <dt>Entrypoint</dt>
          <dd>
            <code>{run.entrypoint?.join(" ")}</code>
          </dd>
        </>
      ) : null}
      {!run.recipe && !run.code ? (
        <>
          <dt>Source</dt>
          <dd>{describeSource(run)}</dd>
        </>
      ) : null}
      <dt>Inputs</dt>
      <dd>
        {run.inputs.length ? (
          run.inputs.map((input) => (
            <div key={input.ref}>
              <RefLink refText={input.ref} /> <span className="muted">as {input.role}</span>
            </div>
          ))
        ) : (
          <span className="muted">none</span>
        )}
      </dd>
      <dt>Params</dt>
      <dd>
        {params.length ? (
          <ul className="plain">
            {params.map(([key, value]) => (
              <li key={key}>
                <code>
                  {key}={JSON.stringify(value)}
                </code>
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">none</span>
        )}
      </dd>
      {logged.length ? (
        <>
          <dt>Logged params</dt>
          <dd>
            <ul className="plain">
              {logged.map(([key, value]) => (
                <li key={key}>
                  <code>
                    {key}={JSON.stringify(value)}
                  </code>
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
      <dt>Output</dt>
      <dd>
        {run.output_version ? (
          <RefLink refText={run.output_version} />
        ) : run.output ? (
          <Link to={artifactPath(run.output)}>{run.output}</Link>
        ) : (
          <span className="muted">none</span>
        )}
      </dd>
      <dt>Resources</dt>
      <dd>
        {resources.cpu ?? 1} CPU
        {resources.memory_mb ? `, ${resources.memory_mb} MiB` : ""}
        {resources.gpus ? `, ${resources.gpus} GPU` : ""}
        {resources.timeout_s ? `, timeout ${resources.timeout_s} s` : ""}
      </dd>
      <dt>Executor</dt>
      <dd>{run.executor}</dd>
      <dt>Creator</dt>
      <dd>{run.creator}</dd>
      <dt>Created</dt>
      <dd>{formatTime(run.created_at)}</dd>
      {run.started_at ? (
        <>
          <dt>Started</dt>
          <dd>{formatTime(run.started_at)}</dd>
        </>
      ) : null}
      {run.finished_at ? (
        <>
          <dt>Finished</dt>
          <dd>
            {formatTime(run.finished_at)}{" "}
            <span className="muted">({formatDuration(run.started_at ?? run.created_at, run.finished_at)})</span>
          </dd>
        </>
      ) : null}
      {run.bytes_downloaded ? (
        <>
          <dt>Downloaded</dt>
          <dd>{formatBytes(run.bytes_downloaded)}</dd>
        </>
      ) : null}
      {run.retry_of ? (
        <>
          <dt>Retry of</dt>
          <dd>
            <Link to={runPath(run.retry_of)}>{run.retry_of}</Link>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function Metrics({ series }: { series: Record<string, { step: number; value: number; at: string }[]> }) {
  const charts = useMemo(() => toChartSeries(series), [series]);
  if (!charts.length) return <p className="muted">No metrics logged.</p>;
  return (
    <>
      <Suspense fallback={<Loading what="Loading charts" />}>
        <MetricCharts series={charts} />
      </Suspense>
      <p className="muted">
        Last values:{" "}
        {charts.map((c) => `${c.name} ${formatMetric(c.last)}`).join(", ")}
      </p>
    </>
  );
}

/** The log: read once for an ended run; followed (a stream the API ends with the run) while it is live. */
function RunLog({ id, status, onEnded }: { id: string; status: RunView["status"]; onEnded: () => void }) {
  const [text, setText] = useState("");
  const [following, setFollowing] = useState(false);
  const [error, setError] = useState<unknown>();
  const live = isActive(status);
  const pre = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  // bytes read so far, of which run: a run that ends is read on from there, not again from the start
  const progress = useRef({ id: "", received: 0 });

  useEffect(() => {
    const abort = new AbortController();
    if (progress.current.id !== id) {
      progress.current = { id, received: 0 };
      setText("");
    }
    const at = progress.current;
    setError(undefined);
    const read = async (follow: boolean) => {
      const url = `/api/v1/runs/${encodeURIComponent(id)}/logs?offset=${at.received}${follow ? "&follow=true" : ""}`;
      const response = await fetch(url, { signal: abort.signal, credentials: "same-origin" });
      if (!response.ok) {
        const body = await response.text();
        let parsed: unknown = body;
        try {
          parsed = JSON.parse(body);
        } catch {
          /* not JSON: the text is the detail */
        }
        throw new ProblemError(toProblem(parsed, response), response.status);
      }
      if (!response.body) {
        const all = await response.text();
        at.received += new TextEncoder().encode(all).length;
        setText((t) => t + all);
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        at.received += value.byteLength;
        const chunk = decoder.decode(value, { stream: true });
        if (chunk) setText((t) => t + chunk);
      }
      const rest = decoder.decode();
      if (rest) setText((t) => t + rest);
    };
    const follow = live;
    setFollowing(follow);
    read(follow)
      .then(() => {
        if (follow) onEnded();
      })
      .catch((problem) => {
        if (!abort.signal.aborted) setError(problem);
      })
      .finally(() => {
        if (!abort.signal.aborted) setFollowing(false);
      });
    return () => abort.abort();
    // followed again only when the run goes from ended to live (a retry opens another page)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, live]);

  useEffect(() => {
    const element = pre.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [text]);

  return (
    <>
      <p className="muted" role="status">
        {following ? "Following the log while the run is live…" : text ? "" : error ? "" : "The log is empty."}
      </p>
      <ErrorBox error={error ? new Error(`The log could not be read: ${errorText(error)}`) : undefined} />
      <pre
        ref={pre}
        className="log"
        tabIndex={0}
        role="region"
        aria-label="Run log"
        data-testid="run-log"
        onScroll={(event) => {
          const el = event.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {text}
      </pre>
    </>
  );
}
