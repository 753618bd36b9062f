/** Search the catalog (`GET /api/v1/search`): ranked hits with their highlights, filters, pages. */
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";

import type { Schemas } from "@kamld/client";

import { api, artifactPath, filePath, unwrap, versionPath } from "../api";
import { ErrorBox, Loading } from "../components";
import { backlogSize, highlightPieces, hitTarget } from "../data/format";
import { useLoad } from "../hooks";

type HitType = Schemas["SearchHitView"]["type"];
type Hit = Omit<Schemas["SearchHitView"], "highlights"> & {
  highlights: { field: "title" | "body"; text: string; spans: number[][] }[];
};
type Kind = NonNullable<Schemas["ArtifactView"]["kind"]>;
const TYPES: HitType[] = ["artifact", "version", "file", "column"];
const KINDS = ["dataset", "model", "code"];
const PAGE = 20;

export default function Search() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const type = (params.get("type") ?? "") as HitType | "";
  const kind = params.get("kind") ?? "";
  const labels = params.getAll("label");
  const filterKey = params.toString();
  // The cursors of the pages seen, for these filters only (new filters start on page 1).
  const [paging, setPaging] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: filterKey,
    cursors: [undefined],
  });
  const cursors = paging.key === filterKey ? paging.cursors : [undefined];
  const setCursors = (change: (c: (string | undefined)[]) => (string | undefined)[]) =>
    setPaging({ key: filterKey, cursors: change(cursors) });
  const after = cursors[cursors.length - 1];

  const results = useLoad(async () => {
    if (!q.trim()) return null;
    return unwrap(
      await api.GET("/api/v1/search", {
        params: {
          query: {
            q,
            type: type ? [type] : undefined,
            kind: (kind || undefined) as Kind | undefined,
            label: labels.length ? labels : undefined,
            after,
            limit: PAGE,
          },
        },
      }),
    );
  }, [filterKey, after]);
  const status = useLoad(async () => unwrap(await api.GET("/api/v1/search/status")), [filterKey]);

  const update = (changes: Record<string, string | string[] | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      next.delete(key);
      for (const v of Array.isArray(value) ? value : value ? [value] : []) next.append(key, v);
    }
    setParams(next);
  };

  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const [labelDraft, setLabelDraft] = useState("");
  const waiting = status.data ? backlogSize(status.data.backlog) : 0;
  const page = results.data;

  return (
    <div className="page">
      <h1>Search</h1>
      <form
        role="search"
        aria-label="Search the catalog"
        className="row wrap"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          update({ q: draft.trim() || null });
        }}
      >
        <label>
          Search for
          <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} size={40} />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => update({ type: e.target.value || null })}>
            <option value="">Everything</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t === "column" ? "Columns" : `${t[0]!.toUpperCase()}${t.slice(1)}s`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => update({ kind: e.target.value || null })}>
            <option value="">Any kind</option>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      <form
        className="row wrap"
        aria-label="Label filter"
        onSubmit={(event) => {
          event.preventDefault();
          if (labelDraft.trim()) update({ label: [...labels, labelDraft.trim()] });
          setLabelDraft("");
        }}
      >
        <label>
          <span>
            Label (<code>key=value</code> or <code>key</code>)
          </span>
          <input value={labelDraft} onChange={(e) => setLabelDraft(e.target.value)} />
        </label>
        <button type="submit" className="secondary">
          Add label filter
        </button>
        {labels.map((label) => (
          <button
            key={label}
            type="button"
            className="secondary"
            aria-label={`Remove label filter ${label}`}
            onClick={() => update({ label: labels.filter((l) => l !== label) })}
          >
            {label} ✕
          </button>
        ))}
      </form>
      {waiting > 0 ? (
        <p className="notice" role="status" data-testid="index-behind">
          The search index is catching up: {waiting.toLocaleString()} change{waiting === 1 ? " is" : "s are"} still
          being indexed, so the newest pushes may be missing from the results.
        </p>
      ) : null}
      <ErrorBox error={results.error} />
      {!q.trim() ? <p className="muted">Type words, a path or a column name to search.</p> : null}
      {results.loading && q.trim() ? <Loading what="Searching" /> : null}
      {page && !results.loading ? (
        <>
          <p className="muted" role="status" data-testid="search-total">
            {page.total.toLocaleString()} match{page.total === 1 ? "" : "es"} · page {cursors.length}
          </p>
          <Facets
            kinds={page.facets.kind}
            labels={page.facets.label}
            onKind={(k) => update({ kind: k })}
            onLabel={(l) => update({ label: labels.includes(l) ? labels : [...labels, l] })}
          />
          <ol className="hits plain" aria-label="Search results">
            {page.items.map((hit) => (
              <HitItem key={`${hit.type}:${hit.ref}`} hit={hit} />
            ))}
          </ol>
          <div className="row">
            <button
              type="button"
              className="secondary"
              disabled={cursors.length < 2}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous page
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!page.next}
              onClick={() => setCursors((c) => [...c, page.next ?? undefined])}
            >
              Next page
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}

function Facets({
  kinds,
  labels,
  onKind,
  onLabel,
}: {
  kinds: Record<string, number>;
  labels: Schemas["LabelFacet"][];
  onKind: (kind: string) => void;
  onLabel: (label: string) => void;
}) {
  const kindEntries = Object.entries(kinds);
  if (!kindEntries.length && !labels.length) return null;
  return (
    <div className="row wrap facets" role="group" aria-label="Narrow the results">
      {kindEntries.map(([kind, count]) => (
        <button key={kind} type="button" className="secondary" onClick={() => onKind(kind)}>
          {kind} ({count})
        </button>
      ))}
      {labels.slice(0, 10).map((facet) => {
        const label = facet.value ? `${facet.key}=${facet.value}` : facet.key;
        return (
          <button key={label} type="button" className="secondary" onClick={() => onLabel(label)}>
            {label} ({facet.count})
          </button>
        );
      })}
    </div>
  );
}

const WHAT: Record<HitType, string> = {
  artifact: "artifact",
  version: "version",
  file: "file path",
  column: "column",
};

function HitItem({ hit }: { hit: Hit }) {
  const { version, path } = hitTarget(hit);
  const title = hit.highlights.find((h) => h.field === "title");
  const body = hit.highlights.filter((h) => h.field === "body");
  const link = version ? versionPath(hit.artifact, version) : artifactPath(hit.artifact);
  return (
    <li className="hit">
      <div className="row wrap">
        <span className={`badge ${hit.type}`}>{WHAT[hit.type]}</span>
        <Link to={link} className="hit-title">
          {title ? <Marked text={title.text} spans={title.spans as [number, number][]} /> : hit.title}
        </Link>
        <span className="muted">
          in <Link to={artifactPath(hit.artifact)}>{hit.artifact}</Link> ({hit.kind})
          {version ? (
            <>
              {" "}
              · <Link to={versionPath(hit.artifact, version)}>{`${hit.artifact}:${version}`}</Link>
            </>
          ) : null}
        </span>
        {hit.type === "file" && version && path ? (
          <a href={filePath(hit.artifact, version, path)} download aria-label={`Download ${hit.ref}`}>
            Download
          </a>
        ) : null}
      </div>
      {hit.type === "column" && path ? <div className="muted">in the table {path}</div> : null}
      {body.map((h, i) => (
        <div key={i} className="snippet-text">
          <Marked text={h.text} spans={h.spans as [number, number][]} />
        </div>
      ))}
    </li>
  );
}

function Marked({ text, spans }: { text: string; spans: [number, number][] }) {
  return (
    <>
      {highlightPieces(text, spans).map((piece, i) => (piece.match ? <mark key={i}>{piece.text}</mark> : piece.text))}
    </>
  );
}
