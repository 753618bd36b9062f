/** Previews of one file, loaded on demand: image, CSV/TSV and Parquet first rows, Markdown, JSON, text. */
import { useEffect, useState } from "react";

import type { FileEntry } from "@kamld/client";

import { ProblemError, filePath } from "../api";
import { ErrorBox, Loading } from "../components";
import { parseDelimited } from "./delimited";
import { extension, previewKind } from "./kinds";

const HEAD_BYTES = 64 * 1024;
const ROWS = 20;

interface Props {
  name: string;
  refName: string;
  file: FileEntry;
}

export default function Preview({ name, refName, file }: Props) {
  const url = filePath(name, refName, file.path);
  const kind = previewKind(file.path);
  return (
    <div className="preview">
      <p>
        <a href={url} download>
          Download {file.path}
        </a>
      </p>
      {kind === "image" ? <img className="preview-image" src={url} alt={file.path} /> : null}
      {kind === "table" ? <DelimitedPreview url={url} file={file} /> : null}
      {kind === "parquet" ? <ParquetPreview url={url} file={file} /> : null}
      {kind === "markdown" ? <MarkdownPreview url={url} file={file} /> : null}
      {kind === "json" || kind === "text" ? <TextPreview url={url} file={file} json={kind === "json"} /> : null}
      {kind === "none" ? <p className="muted">No preview for this kind of file.</p> : null}
    </div>
  );
}

/** The first bytes of a file (a ranged read), as text; a problem answer becomes a ProblemError. */
async function head(url: string, size: number): Promise<{ text: string; complete: boolean }> {
  const complete = size <= HEAD_BYTES;
  const response = await fetch(url, {
    headers: complete ? {} : { Range: `bytes=0-${HEAD_BYTES - 1}` },
    credentials: "same-origin",
  });
  if (!response.ok) throw await problemOf(response);
  return { text: await response.text(), complete };
}

async function problemOf(response: Response): Promise<Error> {
  try {
    return new ProblemError(await response.json(), response.status);
  } catch {
    return new Error(`${response.status} ${response.statusText}`);
  }
}

function useAsync<T>(load: () => Promise<T>, key: string) {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  useEffect(() => {
    let live = true;
    setState({});
    load().then(
      (data) => live && setState({ data }),
      (error) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}

function RowsTable({ rows, caption }: { rows: unknown[][]; caption: string }) {
  const [header, ...body] = rows;
  if (!header) return <p className="muted">Empty.</p>;
  return (
    <div className="scroll-x">
      <table className="rows" data-testid="preview-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {header.map((cell, i) => (
              <th key={i} scope="col">
                {String(cell)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (
                <td key={i}>{formatCell(cell)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatCell(cell: unknown): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "bigint") return cell.toString();
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === "object") return JSON.stringify(cell, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  return String(cell);
}

function DelimitedPreview({ url, file }: { url: string; file: FileEntry }) {
  const state = useAsync(async () => {
    const { text, complete } = await head(url, file.size);
    return parseDelimited(text, extension(file.path) === "tsv" ? "\t" : ",", ROWS + 1, complete);
  }, url);
  if (state.error) return <ErrorBox error={state.error} />;
  if (!state.data) return <Loading />;
  return <RowsTable rows={state.data} caption={`First ${Math.max(state.data.length - 1, 0)} rows`} />;
}

function ParquetPreview({ url, file }: { url: string; file: FileEntry }) {
  const state = useAsync(async () => {
    const { parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import("hyparquet");
    const buffer = {
      byteLength: file.size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const last = (end ?? file.size) - 1;
        const response = await fetch(url, { headers: { Range: `bytes=${start}-${last}` }, credentials: "same-origin" });
        if (!response.ok) throw await problemOf(response);
        return response.arrayBuffer();
      },
    };
    const metadata = await parquetMetadataAsync(buffer);
    const columns = parquetSchema(metadata).children.map((child) => child.element.name);
    const objects = await parquetReadObjects({ file: buffer, metadata, rowEnd: ROWS });
    return { columns, rows: objects.map((o) => columns.map((c) => (o as Record<string, unknown>)[c])), total: Number(metadata.num_rows) };
  }, url);
  if (state.error) return <ErrorBox error={state.error} />;
  if (!state.data) return <Loading />;
  return (
    <RowsTable
      rows={[state.data.columns, ...state.data.rows]}
      caption={`First ${state.data.rows.length} of ${state.data.total.toLocaleString()} rows`}
    />
  );
}

function MarkdownPreview({ url, file }: { url: string; file: FileEntry }) {
  const state = useAsync(async () => {
    const [{ text }, { marked }, { default: DOMPurify }] = await Promise.all([
      head(url, file.size),
      import("marked"),
      import("dompurify"),
    ]);
    return DOMPurify.sanitize(await marked.parse(text));
  }, url);
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <Loading />;
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: state.data }} />;
}

function TextPreview({ url, file, json }: { url: string; file: FileEntry; json: boolean }) {
  const state = useAsync(async () => {
    const { text, complete } = await head(url, file.size);
    if (json && complete) {
      try {
        return JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        return text;
      }
    }
    return text;
  }, url);
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <Loading />;
  return (
    <pre className="text" tabIndex={0} aria-label={`Contents of ${file.path}`}>
      {state.data}
      {file.size > HEAD_BYTES ? "\n…" : ""}
    </pre>
  );
}
