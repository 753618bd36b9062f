/**
 * The catalog: every artifact, paged from the API 1,000 at a time (kind and label filters go to the
 * API, the name filter applies to what is loaded), in a virtualized table that stays smooth with
 * tens of thousands of rows.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useVirtualizer } from "@tanstack/react-virtual";

import type { Artifact } from "@kamld/client";

import { api, artifactPath, formatTime, unwrap, versionPath } from "../api";
import { ErrorBox, Labels } from "../components";

// A small first page paints at once; the rest follows in large pages while the user reads.
const FIRST_PAGE = 100;
const PAGE = 1000;
const ROW_HEIGHT = 40;
const KINDS = ["", "dataset", "model", "code"];

export default function Catalog() {
  const [params, setParams] = useSearchParams();
  const name = params.get("name") ?? "";
  const kind = params.get("kind") ?? "";
  const label = params.get("label") ?? "";
  const [items, setItems] = useState<Artifact[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let live = true;
    setItems([]);
    setDone(false);
    setError(undefined);
    (async () => {
      let after: string | undefined;
      let first = true;
      do {
        const query = {
          limit: first ? FIRST_PAGE : PAGE,
          after,
          ...(kind ? { kind: kind as Artifact["kind"] } : {}),
          ...(label ? { label: [label] } : {}),
        };
        const page = unwrap(await api.GET("/api/v1/artifacts", { params: { query } }));
        if (!live) return;
        setItems((loaded) => (first ? page.items : loaded.concat(page.items)));
        if (first) performance.mark("kamld:catalog-first-page");
        first = false;
        after = page.next ?? undefined;
      } while (after);
      if (live) setDone(true);
    })().catch((problem) => live && setError(problem));
    return () => {
      live = false;
    };
  }, [kind, label]);

  const shown = useMemo(() => {
    const needle = name.trim().toLowerCase();
    return needle ? items.filter((artifact) => artifact.name.includes(needle)) : items;
  }, [items, name]);

  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <h1>Catalog</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          Name
          <input
            type="search"
            value={name}
            placeholder="filter by name"
            onChange={(event) => update("name", event.target.value)}
          />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(event) => update("kind", event.target.value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k || "any"}
              </option>
            ))}
          </select>
        </label>
        <label>
          Label
          <input
            type="search"
            defaultValue={label}
            placeholder="key or key=value"
            onKeyDown={(event) => {
              if (event.key === "Enter") update("label", event.currentTarget.value.trim());
            }}
            onBlur={(event) => update("label", event.target.value.trim())}
          />
        </label>
      </form>
      <ErrorBox error={error} />
      <p className="muted" role="status" aria-live="polite" data-testid="catalog-count">
        {shown.length.toLocaleString()} artifact{shown.length === 1 ? "" : "s"}
        {done ? "" : " (loading more…)"}
      </p>
      <div className="table catalog" role="table" aria-label="Artifacts" aria-rowcount={shown.length + 1}>
        <div className="thead" role="rowgroup">
          <div className="tr" role="row">
            <span role="columnheader">Name</span>
            <span role="columnheader">Kind</span>
            <span role="columnheader">Latest</span>
            <span role="columnheader" className="num">
              Versions
            </span>
            <span role="columnheader" className="wide">
              Labels
            </span>
            <span role="columnheader" className="wide">
              Last change
            </span>
          </div>
        </div>
        <div className="tbody" role="rowgroup" ref={scroller} data-testid="catalog-scroller">
          <div style={{ height: rows.getTotalSize(), position: "relative" }}>
            {rows.getVirtualItems().map((row) => {
              const artifact = shown[row.index]!;
              return (
                <div
                  key={artifact.name}
                  className="tr"
                  role="row"
                  aria-rowindex={row.index + 2}
                  style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
                >
                  <span role="cell">
                    <Link to={artifactPath(artifact.name)}>{artifact.name}</Link>
                  </span>
                  <span role="cell">{artifact.kind}</span>
                  <span role="cell">
                    {artifact.latest ? (
                      <Link to={versionPath(artifact.name, artifact.latest.ref)}>{artifact.latest.ref}</Link>
                    ) : (
                      "—"
                    )}
                  </span>
                  <span role="cell" className="num">
                    {artifact.version_count}
                  </span>
                  <span role="cell" className="wide">
                    <Labels labels={artifact.labels as Record<string, string>} />
                  </span>
                  <span role="cell" className="wide">
                    {formatTime(artifact.updated_at)}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
