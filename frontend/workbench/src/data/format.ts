/** Pure helpers of the search, profile and query pages (unit-tested in format.test.ts). */
import { extension } from "../preview/kinds";

/** Files `POST /api/v1/query` reads as tables (docs/query.md). */
const QUERYABLE = new Set(["csv", "tsv", "parquet", "pq", "jsonl", "ndjson"]);

export function isQueryable(path: string): boolean {
  return QUERYABLE.has(extension(path));
}

/** A table reference quoted for SQL: `'faces:v3/labels.csv'` (a quote inside is doubled). */
export function tableReference(name: string, version: string, path: string): string {
  return `'${`${name}:${version}/${path}`.replace(/'/g, "''")}'`;
}

export function defaultQuery(name: string, version: string, path: string): string {
  return `SELECT * FROM ${tableReference(name, version, path)} LIMIT 100`;
}

/** One cell of a query's answer as text: null shown as such, objects as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : formatNumber(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A statistic: integers as they are, other numbers with 4 significant digits. */
export function formatNumber(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "number") return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
}

/**
 * SVG rectangles of a histogram drawn in a `width` x `height` box: equal-width bars, heights
 * proportional to the largest bin; a bin with any rows is at least 1 unit tall so it never vanishes.
 */
export function histogramBars(bins: HistogramBin[], width: number, height: number, gap = 1): Bar[] {
  if (!bins.length) return [];
  const most = Math.max(...bins.map((b) => b.count));
  const slot = width / bins.length;
  return bins.map((bin, i) => {
    const scaled = most > 0 ? (bin.count / most) * height : 0;
    const barHeight = bin.count > 0 ? Math.max(1, scaled) : 0;
    return {
      x: i * slot,
      y: height - barHeight,
      width: Math.max(0, slot - gap),
      height: barHeight,
      label: `${formatNumber(bin.from)} to ${formatNumber(bin.to)}: ${bin.count.toLocaleString("en-US")}`,
    };
  });
}

export interface Piece {
  text: string;
  match: boolean;
}

/** A highlight's text cut into matched and unmatched pieces by its `[start, end)` spans. */
export function highlightPieces(text: string, spans: [number, number][]): Piece[] {
  const ordered = spans
    .map(([s, e]) => [Math.max(0, Math.min(s, text.length)), Math.max(0, Math.min(e, text.length))] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const pieces: Piece[] = [];
  let at = 0;
  for (const [start, end] of ordered) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    if (from > at) pieces.push({ text: text.slice(at, from), match: false });
    pieces.push({ text: text.slice(from, end), match: true });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}

/** Where a search hit leads in the Workbench, and what it is. */
export function hitTarget(hit: { type: string; artifact: string; version?: number | null; path?: string | null }): {
  version: string | null;
  path: string | null;
} {
  const version = hit.version ? `v${hit.version}` : null;
  return { version, path: hit.type === "file" || hit.type === "column" ? (hit.path ?? null) : null };
}

/** The search index's backlog: how many jobs wait in all (0: up to date). */
export function backlogSize(backlog: Record<string, number>): number {
  return Object.values(backlog).reduce((sum, n) => sum + n, 0);
}

/** A promotion rule in words. */
export function describeRule(rule: Record<string, unknown>): string {
  switch (rule.rule) {
    case "metric_not_worse": {
      const direction = rule.direction === "min" ? "lower is better" : "higher is better";
      const tolerance = Number(rule.tolerance ?? 0);
      return `${rule.metric} not worse than the current version's (${direction}${tolerance ? `, tolerance ${formatNumber(tolerance)}` : ""})`;
    }
    case "metric_threshold": {
      const bounds = [
        rule.min !== null && rule.min !== undefined ? `at least ${formatNumber(rule.min)}` : "",
        rule.max !== null && rule.max !== undefined ? `at most ${formatNumber(rule.max)}` : "",
      ].filter(Boolean);
      return `${rule.metric} ${bounds.join(" and ")}`;
    }
    case "signature_matches_inputs": {
      const ignored = (rule.ignore_columns as string[] | undefined) ?? [];
      return (
        `the model signature matches the columns of its ${rule.role ? `${rule.role} ` : ""}inputs` +
        (ignored.length ? ` (ignoring ${ignored.join(", ")})` : "")
      );
    }
    case "requires_metadata":
      return rule.value === null || rule.value === undefined
        ? `metadata has ${rule.key}`
        : `metadata ${rule.key} = ${JSON.stringify(rule.value)}`;
    default:
      return JSON.stringify(rule);
  }
}
