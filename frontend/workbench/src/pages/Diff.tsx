/** What changed between two versions: added, removed, modified and renamed files with sizes, paged. */
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";

import type { Diff as DiffView, FileChange } from "@kamld/client";

import { api, artifactPath, formatBytes, unwrap, versionPath } from "../api";
import { ErrorBox, Loading } from "../components";
import { useLoad } from "../hooks";

const PAGE = 200;

export default function Diff() {
  const name = useParams().name!;
  const [params] = useSearchParams();
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const [changes, setChanges] = useState<FileChange[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  const fetchPage = async (after?: string): Promise<DiffView> =>
    unwrap(
      await api.GET("/api/v1/artifacts/{name}/diff", {
        params: { path: { name }, query: { from, to, limit: PAGE, after } },
      }),
    );
  const first = useLoad(async () => {
    const page = await fetchPage();
    setChanges(page.changes);
    setNext(page.next ?? null);
    return page;
  }, [name, from, to]);

  const counts = changes.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.change]: (acc[c.change] ?? 0) + 1 }), {});

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/">Catalog</Link> / <Link to={artifactPath(name)}>{name}</Link> / <span aria-current="page">diff</span>
      </nav>
      <h1>
        <Link to={versionPath(name, from)}>{name}:{from}</Link> → <Link to={versionPath(name, to)}>{to}</Link>
      </h1>
      <ErrorBox error={first.error} />
      {first.loading && !changes.length ? <Loading /> : null}
      {first.data ? (
        <>
          <p className="muted" role="status">
            {changes.length} change{changes.length === 1 ? "" : "s"}
            {next ? " shown so far" : ""}
            {Object.entries(counts).map(([kind, n]) => ` · ${n} ${kind}`)}
          </p>
          {changes.length === 0 ? <p>The two versions hold the same files.</p> : null}
          <div className="scroll-x">
            <table aria-label="Changed files">
              <thead>
                <tr>
                  <th scope="col">Change</th>
                  <th scope="col">Path</th>
                  <th scope="col" className="num">
                    Old size
                  </th>
                  <th scope="col" className="num">
                    New size
                  </th>
                </tr>
              </thead>
              <tbody>
                {changes.map((change) => (
                  <tr key={`${change.change}:${change.old_path ?? ""}:${change.path}`} className={`change-${change.change}`}>
                    <td>
                      <span className={`badge ${change.change}`}>{change.change}</span>
                    </td>
                    <td>
                      {change.old_path && change.old_path !== change.path ? `${change.old_path} → ` : ""}
                      {change.path}
                    </td>
                    <td className="num">{formatBytes(change.old_size)}</td>
                    <td className="num">{formatBytes(change.new_size)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {next ? (
            <button
              type="button"
              className="secondary"
              onClick={async () => {
                try {
                  const page = await fetchPage(next);
                  setChanges((loaded) => loaded.concat(page.changes));
                  setNext(page.next ?? null);
                } catch (problem) {
                  setMoreError(problem);
                }
              }}
            >
              Load more changes
            </button>
          ) : null}
          <ErrorBox error={moreError} />
        </>
      ) : null}
    </div>
  );
}
