/** One version: metadata, the file tree with sizes, previews, downloads and copyable snippets. */
import { lazy, Suspense, useMemo, useState } from "react";
import { Link, useParams } from "react-router-dom";

import type { FileEntry } from "@kamld/client";

import { allPagesOf, api, artifactPath, filePath, formatBytes, formatTime, unwrap, versionPath } from "../api";
import { CopyButton, ErrorBox, Loading, Section } from "../components";
import { useLoad } from "../hooks";
import { defaultQuery, isQueryable } from "../data/format";
import { isImage, previewKind } from "../preview/kinds";
import { runIdOf, runPath } from "../runs";

const Preview = lazy(() => import("../preview/Preview"));
// The profile (tables, histograms, images) is loaded with its own code, after the page.
const Profile = lazy(() => import("../data/Profile"));
const MAX_FILES = 20000;

export default function VersionPage() {
  const { name, ref } = useParams() as { name: string; ref: string };
  const version = useLoad(
    async () => unwrap(await api.GET("/api/v1/artifacts/{name}/versions/{ref}", { params: { path: { name, ref } } })),
    [name, ref],
  );
  const files = useLoad(
    () =>
      allPagesOf<FileEntry>(
        (after) =>
          api.GET("/api/v1/artifacts/{name}/versions/{ref}/files", {
            params: { path: { name, ref }, query: { limit: 1000, after } },
          }),
        MAX_FILES,
      ),
    [name, ref],
  );
  const [selected, setSelected] = useState<FileEntry | null>(null);

  if (version.error) return <ErrorBox error={version.error} />;
  if (!version.data) return <Loading />;
  const v = version.data;
  const pinned = `${name}:${v.name}`;
  const images = (files.data ?? []).filter((f) => isImage(f.path)).slice(0, 24);
  const firstFile = files.data?.[0]?.path ?? "FILE";
  const runId = runIdOf(v.metadata);

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/">Catalog</Link> / <Link to={artifactPath(name)}>{name}</Link> /{" "}
        <span aria-current="page">{v.name}</span>
      </nav>
      <h1>
        {pinned}{" "}
        {v.aliases.map((alias) => (
          <span key={alias} className="label">
            {alias}
          </span>
        ))}
      </h1>
      <p>{v.message}</p>
      <div className="row wrap">
        <Link className="button secondary" to={`${versionPath(name, v.name)}/lineage`}>
          Lineage
        </Link>
        {v.parents[0] ? (
          <Link
            className="button secondary"
            to={`${artifactPath(name)}/diff?from=${encodeURIComponent(v.parents[0].name)}&to=${encodeURIComponent(v.name)}`}
          >
            Diff with {v.parents[0].name}
          </Link>
        ) : null}
        <CopyButton label="Copy kamld pull" text={`kamld pull ${pinned} ./${name}`} />
        <CopyButton
          label="Copy Python"
          text={`import kamld\n\nwith kamld.open("${pinned}/${firstFile}") as stream:\n    data = stream.read()\n`}
        />
      </div>
      <pre className="snippet" aria-label="Pull command">
        kamld pull {pinned} ./{name}
      </pre>
      <div className="columns">
        <Section title="Metadata">
          <dl className="meta">
            <dt>Author</dt>
            <dd>{v.author}</dd>
            <dt>Created</dt>
            <dd>{formatTime(v.created_at)}</dd>
            <dt>Files</dt>
            <dd>{v.file_count}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(v.total_bytes)}</dd>
            <dt>Digest</dt>
            <dd>
              <code className="digest">{v.digest}</code>
            </dd>
            {v.parents.length ? (
              <>
                <dt>Parent</dt>
                <dd>
                  {v.parents.map((p) => (
                    <Link key={p.ref} to={versionPath(p.artifact, p.name)}>
                      {p.ref}
                    </Link>
                  ))}
                </dd>
              </>
            ) : null}
            {runId ? (
              <>
                <dt>Run</dt>
                <dd>
                  <Link to={runPath(runId)}>Run that produced it</Link>
                </dd>
              </>
            ) : null}
            {v.inputs.length ? (
              <>
                <dt>Inputs</dt>
                <dd>
                  {v.inputs.map((input) => (
                    <div key={input.ref}>
                      <Link to={versionPath(input.artifact, input.name)}>{input.ref}</Link>{" "}
                      <span className="muted">({input.role})</span>
                    </div>
                  ))}
                </dd>
              </>
            ) : null}
          </dl>
          <ModelSignature metadata={v.metadata as Record<string, unknown>} />
          {Object.keys(v.metadata).length ? (
            <details>
              <summary>Version metadata</summary>
              <pre className="json">{JSON.stringify(v.metadata, null, 2)}</pre>
            </details>
          ) : null}
        </Section>
        <Section title="Files">
          <ErrorBox error={files.error} />
          {files.data ? (
            <FileTree
              files={files.data}
              selected={selected?.path}
              onSelect={setSelected}
              href={(path) => filePath(name, v.name, path)}
              query={(path) => `/query?sql=${encodeURIComponent(defaultQuery(name, v.name, path))}`}
            />
          ) : (
            <Loading what="Loading files" />
          )}
          {files.data && files.data.length >= MAX_FILES ? (
            <p className="muted">Showing the first {MAX_FILES.toLocaleString()} files.</p>
          ) : null}
        </Section>
      </div>
      <Section title="Profile">
        <Suspense fallback={<Loading what="Loading the profile" />}>
          <Profile name={name} refName={v.name} />
        </Suspense>
      </Section>
      {selected ? (
        <Section title={`Preview: ${selected.path}`}>
          <Suspense fallback={<Loading what="Loading preview" />}>
            <Preview name={name} refName={v.name} file={selected} />
          </Suspense>
        </Section>
      ) : null}
      {images.length ? (
        <Section title="Images">
          <ul className="thumbs" aria-label="Image thumbnails">
            {images.map((image) => (
              <li key={image.path}>
                <button type="button" className="thumb" onClick={() => setSelected(image)}>
                  <img src={filePath(name, v.name, image.path)} alt={image.path} loading="lazy" />
                  <span>{image.path.split("/").pop()}</span>
                </button>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
    </div>
  );
}

interface Folder {
  name: string;
  path: string;
  folders: Map<string, Folder>;
  files: FileEntry[];
  bytes: number;
}

function buildTree(files: FileEntry[]): Folder {
  const root: Folder = { name: "", path: "", folders: new Map(), files: [], bytes: 0 };
  for (const file of files) {
    const parts = file.path.split("/");
    let folder = root;
    folder.bytes += file.size;
    for (const part of parts.slice(0, -1)) {
      let child = folder.folders.get(part);
      if (!child) {
        child = { name: part, path: `${folder.path}${part}/`, folders: new Map(), files: [], bytes: 0 };
        folder.folders.set(part, child);
      }
      child.bytes += file.size;
      folder = child;
    }
    folder.files.push(file);
  }
  return root;
}

function FileTree({
  files,
  selected,
  onSelect,
  href,
  query,
}: {
  files: FileEntry[];
  selected?: string;
  onSelect: (file: FileEntry) => void;
  href: (path: string) => string;
  query: (path: string) => string;
}) {
  const tree = useMemo(() => buildTree(files), [files]);
  return (
    <ul className="tree" aria-label="File tree">
      <FolderItems folder={tree} selected={selected} onSelect={onSelect} href={href} query={query} depth={0} />
    </ul>
  );
}

function FolderItems({
  folder,
  selected,
  onSelect,
  href,
  query,
  depth,
}: {
  folder: Folder;
  selected?: string;
  onSelect: (file: FileEntry) => void;
  href: (path: string) => string;
  query: (path: string) => string;
  depth: number;
}) {
  return (
    <>
      {[...folder.folders.values()].map((child) => (
        <li key={child.path}>
          <details open={depth < 1}>
            <summary>
              {child.name}/ <span className="muted">{formatBytes(child.bytes)}</span>
            </summary>
            <ul>
              <FolderItems
                folder={child}
                selected={selected}
                onSelect={onSelect}
                href={href}
                query={query}
                depth={depth + 1}
              />
            </ul>
          </details>
        </li>
      ))}
      {folder.files.map((file) => (
        <li key={file.path} className={file.path === selected ? "file selected" : "file"}>
          <button
            type="button"
            className="link"
            onClick={() => onSelect(file)}
            aria-pressed={file.path === selected}
            title={`Preview ${file.path} (${previewKind(file.path)})`}
          >
            {file.path.split("/").pop()}
          </button>
          <span className="muted size">{formatBytes(file.size)}</span>
          {isQueryable(file.path) ? (
            <Link to={query(file.path)} aria-label={`Query ${file.path}`}>
              Query
            </Link>
          ) : null}
          <a href={href(file.path)} download aria-label={`Download ${file.path}`}>
            Download
          </a>
        </li>
      ))}
    </>
  );
}

interface Tensor {
  name?: string;
  type?: string;
  shape?: (number | string | null)[] | null;
}

/** `metadata.model.signature` (docs/trainer.md): each input and output with its type and shape. */
function ModelSignature({ metadata }: { metadata: Record<string, unknown> }) {
  const model = metadata.model as { files?: { path?: string; format?: string }[]; signature?: unknown } | undefined;
  if (!model || typeof model !== "object") return null;
  const signature = (model.signature ?? null) as { inputs?: Tensor[]; outputs?: Tensor[] } | null;
  const rows = [
    ...(signature?.inputs ?? []).map((t) => ["input", t] as const),
    ...(signature?.outputs ?? []).map((t) => ["output", t] as const),
  ];
  return (
    <div className="stack model">
      <h3>Model</h3>
      {model.files?.length ? (
        <p>
          {model.files.map((f, i) => (
            <span key={f.path ?? i}>
              {i ? ", " : ""}
              <code>{f.path}</code> ({f.format})
            </span>
          ))}
        </p>
      ) : null}
      {rows.length ? (
        <div className="scroll-x">
          <table aria-label="Model signature">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Shape</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([role, tensor], i) => (
                <tr key={i}>
                  <td>{role}</td>
                  <td>{tensor.name}</td>
                  <td>
                    <code>{tensor.type ?? "?"}</code>
                  </td>
                  <td>
                    <code>
                      [{tensor.shape ? tensor.shape.map((d) => (d === null ? "?" : String(d))).join(", ") : "?"}]
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No signature recorded.</p>
      )}
    </div>
  );
}
