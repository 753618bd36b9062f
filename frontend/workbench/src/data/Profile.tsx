/** A version's profile (`GET …/versions/{ref}/profile`): its tables' columns and its images. */
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";

import type { Schemas } from "@kamld/client";

import { api, unwrap } from "../api";
import { ErrorBox, Loading } from "../components";
import { useLoad } from "../hooks";
import { defaultQuery, formatNumber, histogramBars, type HistogramBin } from "./format";

type VersionProfile = Schemas["VersionProfileView"];
type TableSummary = Schemas["TableSummary"];
type FileProfile = Schemas["FileProfileView"];
type Column = Record<string, unknown>;

/** Tables whose columns load with the page; the others load on demand. */
const AUTO_TABLES = 5;
const POLL_MS = 3000;

export default function Profile({ name, refName }: { name: string; refName: string }) {
  const profile = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/artifacts/{name}/versions/{ref}/profile", {
          params: { path: { name, ref: refName } },
        }),
      ) as VersionProfile,
    [name, refName],
  );
  const pending = profile.data?.status === "pending";
  const { reload } = profile;
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, reload, profile.data]);

  if (profile.error) return <ErrorBox error={profile.error} />;
  if (!profile.data) return <Loading what="Loading the profile" />;
  const { tables, images } = profile.data;
  return (
    <div className="stack" data-testid="profile">
      {pending ? (
        <p className="notice" role="status">
          Profile pending: this version's tables and images are still being profiled. This section refreshes by
          itself.
        </p>
      ) : null}
      {!pending && !tables.length && !images ? (
        <p className="muted">No tables or images to profile in this version.</p>
      ) : null}
      {tables.map((table, i) => (
        <TableProfile key={table.path} name={name} refName={refName} table={table} auto={i < AUTO_TABLES} />
      ))}
      {images ? <ImageSummary images={images as Record<string, unknown>} /> : null}
    </div>
  );
}

function TableProfile({
  name,
  refName,
  table,
  auto,
}: {
  name: string;
  refName: string;
  table: TableSummary;
  auto: boolean;
}) {
  const [open, setOpen] = useState(auto);
  const readable = table.status !== "unreadable";
  return (
    <section className="profile-table" aria-label={`Profile of ${table.path}`}>
      <div className="row wrap">
        <h3>{table.path}</h3>
        <span className="badge">{table.format}</span>
        {readable ? (
          <span data-testid="profile-rows">
            {formatNumber(table.rows ?? 0)} rows · {table.columns} columns
          </span>
        ) : null}
        {table.status === "sampled" ? <span className="badge modified">profiled on a sample</span> : null}
        {table.status === "unreadable" ? <span className="badge removed">unreadable</span> : null}
        {readable ? (
          <Link
            className="button secondary"
            to={`/query?sql=${encodeURIComponent(defaultQuery(name, refName, table.path))}`}
            aria-label={`Query the table ${table.path}`}
          >
            Query
          </Link>
        ) : null}
      </div>
      {table.reason ? <p className="muted">{table.reason}</p> : null}
      {readable && open ? <Columns name={name} refName={refName} path={table.path} /> : null}
      {readable && !open ? (
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          Show the columns of {table.path}
        </button>
      ) : null}
    </section>
  );
}

function Columns({ name, refName, path }: { name: string; refName: string; path: string }) {
  const file = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/artifacts/{name}/versions/{ref}/profile", {
          params: { path: { name, ref: refName }, query: { path } },
        }),
      ) as FileProfile,
    [name, refName, path],
  );
  if (file.error) return <ErrorBox error={file.error} />;
  if (!file.data) return <Loading what="Loading columns" />;
  const columns = file.data.columns as Column[];
  return (
    <div className="scroll-x">
      <table className="profile-columns" aria-label={`Columns of ${path}`}>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              Nulls
            </th>
            <th scope="col" className="num">
              Distinct
            </th>
            <th scope="col">Range</th>
            <th scope="col">Statistics</th>
            <th scope="col">Distribution</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column) => (
            <ColumnRow key={String(column.name)} column={column} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ColumnRow({ column }: { column: Column }) {
  const quantiles = column.quantiles as Record<string, number | null> | undefined;
  const histogram = column.histogram as HistogramBin[] | undefined;
  const top = column.top_values as unknown[] | undefined;
  const hasRange = column.min !== null && column.min !== undefined;
  return (
    <tr>
      <th scope="row">{String(column.name)}</th>
      <td>
        <code>{String(column.type)}</code>
      </td>
      <td className="num">{formatNumber(column.nulls)}</td>
      <td className="num">{column.distinct_approx === null ? "" : `≈${formatNumber(column.distinct_approx)}`}</td>
      <td>{hasRange ? `${formatNumber(column.min)} … ${formatNumber(column.max)}` : ""}</td>
      <td>
        {column.mean !== undefined ? (
          <dl className="stats">
            <dt>mean</dt>
            <dd>{formatNumber(column.mean)}</dd>
            <dt>stddev</dt>
            <dd>{formatNumber(column.stddev)}</dd>
            {quantiles ? (
              <>
                <dt>quartiles</dt>
                <dd>
                  {formatNumber(quantiles.q25)} / {formatNumber(quantiles.q50)} / {formatNumber(quantiles.q75)}
                </dd>
              </>
            ) : null}
          </dl>
        ) : null}
      </td>
      <td>
        {histogram?.length ? <Histogram bins={histogram} column={String(column.name)} /> : null}
        {top?.length ? (
          <ol className="top-values" aria-label={`Most frequent values of ${String(column.name)}`}>
            {top.slice(0, 5).map((value, i) => (
              <li key={i}>
                <code>{String(value)}</code>
              </li>
            ))}
          </ol>
        ) : null}
      </td>
    </tr>
  );
}

const WIDTH = 160;
const HEIGHT = 36;

export function Histogram({ bins, column }: { bins: HistogramBin[]; column: string }) {
  const bars = histogramBars(bins, WIDTH, HEIGHT);
  return (
    <svg
      className="histogram"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Histogram of ${column}: ${bars.map((b) => b.label).join("; ")}`}
    >
      {bars.map((bar, i) => (
        <rect key={i} x={bar.x} y={bar.y} width={bar.width} height={bar.height}>
          <title>{bar.label}</title>
        </rect>
      ))}
    </svg>
  );
}

function ImageSummary({ images }: { images: Record<string, unknown> }) {
  const formats = (images.formats ?? {}) as Record<string, number>;
  const width = images.width as Record<string, number> | undefined;
  const height = images.height as Record<string, number> | undefined;
  const sizes = (images.sizes ?? []) as { width: number; height: number; count: number }[];
  return (
    <section className="profile-table" aria-label="Image statistics">
      <h3>Images</h3>
      <p data-testid="profile-images">
        {formatNumber(images.images)} images
        {images.examined !== images.images ? `, ${formatNumber(images.examined)} examined` : ""}
        {Number(images.unreadable) ? `, ${formatNumber(images.unreadable)} unreadable` : ""}
      </p>
      <div className="row wrap profile-images">
        <table aria-label="Images by format">
          <thead>
            <tr>
              <th scope="col">Format</th>
              <th scope="col" className="num">
                Images
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(formats).map(([format, count]) => (
              <tr key={format}>
                <td>{format}</td>
                <td className="num">{formatNumber(count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {width && height ? (
          <table aria-label="Image dimensions">
            <thead>
              <tr>
                <th scope="col">Pixels</th>
                <th scope="col" className="num">
                  Min
                </th>
                <th scope="col" className="num">
                  Median
                </th>
                <th scope="col" className="num">
                  Mean
                </th>
                <th scope="col" className="num">
                  Max
                </th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ["Width", width],
                  ["Height", height],
                ] as const
              ).map(([label, spread]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td className="num">{formatNumber(spread.min)}</td>
                  <td className="num">{formatNumber(spread.median)}</td>
                  <td className="num">{formatNumber(spread.mean)}</td>
                  <td className="num">{formatNumber(spread.max)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {sizes.length ? (
          <table aria-label="Most common image sizes">
            <thead>
              <tr>
                <th scope="col">Size</th>
                <th scope="col" className="num">
                  Images
                </th>
              </tr>
            </thead>
            <tbody>
              {sizes.map((size) => (
                <tr key={`${size.width}x${size.height}`}>
                  <td>
                    {size.width} × {size.height}
                  </td>
                  <td className="num">{formatNumber(size.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </section>
  );
}
